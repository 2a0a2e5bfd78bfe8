package infrastructure.values;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import domain.cache.CacheKey;
import domain.encryption.KeysetOwner;
import domain.encryption.ValueFormat;
import domain.encryption.WrappedKeyset;
import domain.project.ProjectId;
import domain.session.SessionId;
import infrastructure.memory.InMemoryProjectKeysets;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.InputStream;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import support.ValueCodecs;

/**
 * Values and keysets written by an earlier version (format 1, in {@code values/stored-format-1.json}):
 * a change to how keysets are wrapped, or to what a ciphertext is bound to, fails here before it
 * makes every stored value unreadable.
 */
class StoredFormatTest {

    private static JsonNode vectors() throws Exception {
        try (InputStream in = StoredFormatTest.class.getResourceAsStream("/values/stored-format-1.json")) {
            return new ObjectMapper().readTree(in);
        }
    }

    private static WrappedKeyset keyset(JsonNode owner) {
        return new WrappedKeyset(owner.path("kekId").asText(), Base64.getDecoder().decode(owner.path("keyset").asText()),
                owner.path("revision").asLong());
    }

    @Test
    void readsAProjectsValueAndASessionsUserDataAsAnEarlierVersionStoredThem() throws Exception {
        JsonNode vectors = vectors();
        InMemoryProjectKeysets keysets = new InMemoryProjectKeysets();
        JsonNode project = vectors.path("project");
        JsonNode sessions = vectors.path("sessions");
        keysets.createIfAbsent(new KeysetOwner(project.path("owner").asText()), keyset(project)).await().atMost(Duration.ofSeconds(5));
        keysets.createIfAbsent(KeysetOwner.SESSIONS, keyset(sessions)).await().atMost(Duration.ofSeconds(5));
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        ValueCodec codec = new ValueCodec(owner -> ValueFormat.DEFAULT,
                ValueCodecs.keyrings(keysets, vectors.path("kek").asText()), 1 << 20, meters);
        String value = vectors.path("value").asText();

        byte[] stored = Base64.getDecoder().decode(project.path("stored").asText());
        ValueContext entry = ValueContext.cacheEntry(ProjectId.of(project.path("owner").asText()), CacheKey.of(project.path("key").asText()));
        assertThat(ValueCodec.isEncrypted(stored)).isTrue();
        assertThat(codec.decode(entry, stored).await().atMost(Duration.ofSeconds(5))).contains(value);

        ValueContext session = ValueContext.sessionData(SessionId.of(sessions.path("session").asText()));
        assertThat(codec.decodeText(session, sessions.path("stored").asText()).await().atMost(Duration.ofSeconds(5))).contains(value);
        assertThat(meters.find("values.unreadable").counters()).allSatisfy(c -> assertThat(c.count()).isZero());
    }
}
