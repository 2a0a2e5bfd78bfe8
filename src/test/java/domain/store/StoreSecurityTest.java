package domain.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StoreSecurityTest {

    private static final EvictionPolicy SAFE = EvictionPolicy.NO_EVICTION;

    @Test
    void anAclUserOverTlsWithProtectedModeAndNoEvictionWarnsOfNothing() {
        StoreSecurity security = StoreSecurity.assess(Optional.of(true), List.of(), StoreSecurity.Auth.ACL_USER,
                Optional.of("cache-domain"), Optional.of(true), SAFE);

        assertThat(security.warnings()).isEmpty();
    }

    @Test
    void warnsOfAStoreWithoutAPassword() {
        assertThat(StoreSecurity.assess(Optional.of(false), List.of(), StoreSecurity.Auth.NONE, Optional.of("default"),
                Optional.empty(), SAFE).warnings()).singleElement().asString().contains("asks no password");
    }

    @Test
    void warnsOfEachHostReachedWithoutTls() {
        assertThat(StoreSecurity.assess(Optional.of(false), List.of(), StoreSecurity.Auth.PASSWORD, Optional.empty(),
                Optional.empty(), SAFE).warnings()).as("loopback only").isEmpty();
        assertThat(StoreSecurity.assess(Optional.of(false), List.of("10.0.0.7"), StoreSecurity.Auth.PASSWORD, Optional.empty(),
                Optional.empty(), SAFE).warnings()).singleElement().asString().contains("10.0.0.7").contains("not encrypted");

    }

    @Test
    void warnsOfProtectedModeOffOnlyWithoutAPasswordAndOfAPolicyThatEvictsKeysWithoutATtl() {
        List<String> warnings = StoreSecurity.assess(Optional.of(true), List.of(), StoreSecurity.Auth.NONE, Optional.empty(),
                Optional.of(false), new EvictionPolicy("allkeys-lru")).warnings();

        assertThat(warnings).hasSize(3);
        assertThat(warnings.get(1)).contains("protected-mode no");
        assertThat(warnings.get(2)).as("the report's own words").isEqualTo(new EvictionPolicy("allkeys-lru").warning().orElseThrow());
        assertThat(StoreSecurity.assess(Optional.of(true), List.of(), StoreSecurity.Auth.PASSWORD, Optional.empty(), Optional.of(false),
                EvictionPolicy.NO_EVICTION).warnings()).as("a password guards it").isEmpty();
        assertThat(StoreSecurity.assess(Optional.empty(), List.of(), StoreSecurity.Auth.UNKNOWN, Optional.empty(), Optional.empty(),
                EvictionPolicy.NO_EVICTION).warnings()).as("nothing known, nothing claimed").isEmpty();
        assertThat(StoreSecurity.assess(Optional.of(true), List.of(), StoreSecurity.Auth.PASSWORD, Optional.empty(), Optional.empty(),
                new EvictionPolicy("volatile-lru")).warnings()).as("volatile-* leaves keys without a TTL").isEmpty();
    }
}
