package infrastructure.rest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import domain.cache.CacheEntry;
import domain.cache.CacheKey;
import domain.cache.CacheTag;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The cache read's hand-written JSON is exactly what Jackson writes for the same record, under the service's timestamp rule. */
class EntryResponseJsonTest {

    private final ObjectMapper jackson = new ObjectMapper();

    EntryResponseJsonTest() {
        new Timestamps().customize(jackson);
    }

    private void writesWhatJacksonWrites(CacheEntry entry) throws Exception {
        CacheResource.EntryResponse response = CacheResource.EntryResponse.from(entry);
        assertThat(response.json()).isEqualTo(jackson.writeValueAsString(response));
    }

    @Test
    void writesAnEntryAsJacksonDoes() throws Exception {
        Instant at = Instant.parse("2026-11-22T09:50:00.412345678Z");
        writesWhatJacksonWrites(new CacheEntry(CacheKey.of("user:42~x.y_z-1"), "{\"name\": \"Ada\", \"n\": [1, 2.5e300, null]}",
                1_795_341_000_412_318L, at, at.plusSeconds(600), Set.of(CacheTag.of("b"), CacheTag.of("a:1")), 3, at.plusMillis(7)));
        writesWhatJacksonWrites(new CacheEntry(CacheKey.of("k"), "\"два 🎉 \\u0041\"", 1, Instant.EPOCH, Instant.EPOCH.plusSeconds(1),
                Set.of(), 0, Instant.EPOCH));
        writesWhatJacksonWrites(new CacheEntry(CacheKey.of("n"), "null", Long.MAX_VALUE, at, at, Set.of(CacheTag.of("only")),
                Long.MAX_VALUE, at));
    }
}
