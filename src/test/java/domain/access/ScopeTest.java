package domain.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import domain.InvalidValueException;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class ScopeTest {

    @ParameterizedTest
    @CsvSource({
            "cache:read, CACHE_READ",
            "cache:write, CACHE_WRITE",
            "sessions, SESSIONS",
            "rate-limits, RATE_LIMITS",
            "progress, PROGRESS",
            "progress:read, PROGRESS_READ",
            "tasks, TASKS",
            "admin, ADMIN"
    })
    void parsesEveryWireName(String wireName, Scope expected) {
        assertThat(Scope.parse(wireName)).isEqualTo(expected);
        assertThat(expected.wireName()).isEqualTo(wireName);
    }

    @Test
    void everyScopeRoundTripsThroughItsWireName() {
        assertThat(Arrays.stream(Scope.values()).map(s -> Scope.parse(s.wireName())))
                .containsExactly(Scope.values());
    }

    @Test
    void progressIncludesReadingProgressButNoScopeIncludesAnother() {
        assertThat(Scope.PROGRESS.grants(Scope.PROGRESS_READ)).isTrue();
        assertThat(Scope.PROGRESS_READ.grants(Scope.PROGRESS)).isFalse();
        for (Scope held : Scope.values()) {
            for (Scope wanted : Scope.values()) {
                boolean included = held == wanted || (held == Scope.PROGRESS && wanted == Scope.PROGRESS_READ);
                assertThat(held.grants(wanted)).as(held + " grants " + wanted).isEqualTo(included);
            }
        }
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"cache", "cache:*", "CACHE:READ", "Admin", "CACHE_READ", "rate_limits", " admin", "*"})
    void rejectsUnknownWireNames(String wireName) {
        assertThatThrownBy(() -> Scope.parse(wireName))
                .isInstanceOf(InvalidValueException.class)
                .hasMessageContaining("cache:read, cache:write, sessions, rate-limits, progress, progress:read, tasks, admin");
    }
}
