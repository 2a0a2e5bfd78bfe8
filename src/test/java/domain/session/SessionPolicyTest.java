package domain.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import domain.InvalidValueException;
import domain.project.ProjectId;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.OptionalLong;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SessionPolicyTest {

    private static final UserId ADA = UserId.of("ada@example.com");
    private static final ProjectId SHOP = ProjectId.of("shop");
    private static final Instant NOW = Instant.parse("2030-01-01T12:00:00.123456789Z");
    private static final OptionalLong DEFAULT = OptionalLong.empty();
    private static final String E_ACUTE = "é"; // 2 bytes in UTF-8
    private static final String EMOJI = "\uD83D\uDE00"; // U+1F600, a surrogate pair: 4 bytes in UTF-8

    /** As a deployment might set it: 30 min idle, 8 h absolute (maximums 1 day, 7 days), 5 sessions, 64 bytes, 3 projects. */
    private static SessionPolicy ordinaryPolicy() {
        return new SessionPolicy(Duration.ofMinutes(30), Duration.ofHours(8), Duration.ofDays(1), Duration.ofDays(7),
                5, 64, 3);
    }

    private static SessionPolicy.Opened openWithTimeouts(OptionalLong idle, OptionalLong absolute) {
        return ordinaryPolicy().open(ADA, "{}", Set.of(SHOP), idle, absolute, NOW);
    }

    private static SessionPolicy.Opened openWithData(String userData) {
        return ordinaryPolicy().open(ADA, userData, Set.of(), DEFAULT, DEFAULT, NOW);
    }

    private static Set<ProjectId> projects(int n) {
        return IntStream.range(0, n).mapToObj(i -> ProjectId.of("p" + i)).collect(Collectors.toSet());
    }

    // --- timeouts

    @Test
    void appliesTheDefaultTimeoutsWhenNoneAreRequested() {
        UserSession session = openWithTimeouts(DEFAULT, DEFAULT).session();

        assertThat(session.idleTimeout()).isEqualTo(Duration.ofMinutes(30));
        assertThat(session.absoluteExpiresAt()).isEqualTo(session.createdAt().plus(Duration.ofHours(8)));
    }

    @Test
    void appliesRequestedTimeoutsWithinBounds() {
        UserSession smallest = openWithTimeouts(OptionalLong.of(1), OptionalLong.of(1)).session();
        UserSession largest = openWithTimeouts(OptionalLong.of(86_400), OptionalLong.of(604_800)).session();

        assertThat(smallest.idleTimeout()).isEqualTo(Duration.ofSeconds(1));
        assertThat(smallest.absoluteExpiresAt()).isEqualTo(smallest.createdAt().plusSeconds(1));
        assertThat(largest.idleTimeout()).isEqualTo(Duration.ofDays(1));
        assertThat(largest.absoluteExpiresAt()).isEqualTo(largest.createdAt().plus(Duration.ofDays(7)));
    }

    @ParameterizedTest
    @ValueSource(longs = {0, -1, Long.MIN_VALUE, 86_401, Long.MAX_VALUE})
    void rejectsAnIdleTimeoutOutOfBoundsNamingIdleTimeoutSeconds(long seconds) {
        assertRejectedNaming("idleTimeoutSeconds", () -> openWithTimeouts(OptionalLong.of(seconds), DEFAULT));
    }

    @ParameterizedTest
    @ValueSource(longs = {0, -1, Long.MIN_VALUE, 604_801, Long.MAX_VALUE})
    void rejectsAnAbsoluteTimeoutOutOfBoundsNamingAbsoluteTimeoutSeconds(long seconds) {
        assertRejectedNaming("absoluteTimeoutSeconds", () -> openWithTimeouts(DEFAULT, OptionalLong.of(seconds)));
    }

    @Test
    void tellsTheBoundsInTheMessage() {
        assertThatThrownBy(() -> openWithTimeouts(OptionalLong.of(86_401), DEFAULT))
                .hasMessageContaining("between 1 and 86400");
    }

    // --- user data

    @Test
    void storesTheUserDataVerbatim() {
        String data = "{\"name\":\"Ada\",\"city\":\"Zürich\",\"e\":\"" + EMOJI + "\"}";

        assertThat(openWithData(data).session().userData()).isEqualTo(data);
    }

    @Test
    void storesNoUserDataAsTheJsonNull() {
        assertThat(openWithData(null).session().userData()).isEqualTo("null");
    }

    @Test
    void acceptsUserDataOfExactlyTheMaximumInUtf8Bytes() {
        String ascii = "\"" + "a".repeat(62) + "\"";
        String accented = "\"" + E_ACUTE.repeat(31) + "\"";
        String emoji = "\"" + EMOJI.repeat(15) + "ab\"";

        assertThat(ascii.getBytes(StandardCharsets.UTF_8)).hasSize(64);
        assertThat(accented.getBytes(StandardCharsets.UTF_8)).hasSize(64);
        assertThat(emoji.getBytes(StandardCharsets.UTF_8)).hasSize(64);
        assertThat(openWithData(ascii).session().userData()).isEqualTo(ascii);
        assertThat(openWithData(accented).session().userData()).isEqualTo(accented);
        assertThat(openWithData(emoji).session().userData()).isEqualTo(emoji);
    }

    @Test
    void rejectsUserDataOneByteOverTheMaximumNamingUserData() {
        String ascii = "\"" + "a".repeat(63) + "\"";

        assertThat(ascii.getBytes(StandardCharsets.UTF_8)).hasSize(65);
        assertRejectedNaming("userData", () -> openWithData(ascii));
    }

    @Test
    void countsUserDataInUtf8BytesNotCharacters() {
        // 33 characters, 64 + 1 bytes: under the limit in characters, over it in bytes
        String accented = "\"" + E_ACUTE.repeat(31) + "a\"";
        // 34 chars (17 surrogate pairs), 68 bytes
        String emoji = EMOJI.repeat(17);

        assertThat(accented).hasSizeLessThan(64);
        assertThat(accented.getBytes(StandardCharsets.UTF_8)).hasSize(65);
        assertThat(emoji.getBytes(StandardCharsets.UTF_8)).hasSize(68);
        assertRejectedNaming("userData", () -> openWithData(accented));
        assertRejectedNaming("userData", () -> openWithData(emoji));
    }

    // --- projects

    @Test
    void acceptsAsManyProjectsAsTheMaximum() {
        Set<ProjectId> three = projects(3);

        UserSession session = ordinaryPolicy().open(ADA, "{}", three, DEFAULT, DEFAULT, NOW).session();

        assertThat(session.projectAccess()).isEqualTo(three);
    }

    @Test
    void rejectsMoreProjectsThanTheMaximumNamingProjectAccess() {
        assertRejectedNaming("projectAccess", () -> ordinaryPolicy().open(ADA, "{}", projects(4), DEFAULT, DEFAULT, NOW));
    }

    @Test
    void rejectsAnyProjectWhenTheMaximumIsZero() {
        SessionPolicy none = new SessionPolicy(Duration.ofMinutes(30), Duration.ofHours(8), Duration.ofDays(1),
                Duration.ofDays(7), 5, 64, 0);

        assertThat(none.open(ADA, "{}", Set.of(), DEFAULT, DEFAULT, NOW).session().projectAccess()).isEmpty();
        assertRejectedNaming("projectAccess", () -> none.open(ADA, "{}", Set.of(SHOP), DEFAULT, DEFAULT, NOW));
    }

    // --- the session opened

    @Test
    void opensTheSessionAtNowTruncatedToMilliseconds() {
        UserSession session = openWithTimeouts(DEFAULT, DEFAULT).session();

        assertThat(session.createdAt()).isEqualTo(Instant.parse("2030-01-01T12:00:00.123Z"));
        assertThat(session.lastActivityAt()).isEqualTo(session.createdAt());
    }

    @Test
    void endsTheSessionTheAbsoluteTimeoutAfterItsCreation() {
        UserSession session = openWithTimeouts(OptionalLong.of(60), OptionalLong.of(3_600)).session();

        assertThat(session.absoluteExpiresAt()).isEqualTo(Instant.parse("2030-01-01T13:00:00.123Z"));
        assertThat(session.idleExpiresAt()).isEqualTo(Instant.parse("2030-01-01T12:01:00.123Z"));
    }

    @Test
    void handsOutATokenForTheSessionItOpened() {
        SessionPolicy.Opened opened = openWithTimeouts(DEFAULT, DEFAULT);

        assertThat(opened.token().sessionId()).isEqualTo(opened.session().id());
        assertThat(opened.session().id().userTag()).isEqualTo(ADA.tag());
        assertThat(opened.session().userId()).isEqualTo(ADA);
        assertThat(SessionToken.parse(opened.token().reveal()).orElseThrow().verifierDigest())
                .isEqualTo(opened.token().verifierDigest());
    }

    @Test
    void opensADifferentSessionEveryTime() {
        SessionPolicy.Opened first = openWithTimeouts(DEFAULT, DEFAULT);
        SessionPolicy.Opened second = openWithTimeouts(DEFAULT, DEFAULT);

        assertThat(first.session().id()).isNotEqualTo(second.session().id());
        assertThat(first.token().verifierDigest()).isNotEqualTo(second.token().verifierDigest());
    }

    // --- the policy itself

    @Test
    void refusesADefaultIdleTimeoutAboveItsMaximum() {
        assertThatThrownBy(() -> new SessionPolicy(Duration.ofHours(2), Duration.ofHours(8), Duration.ofHours(1),
                Duration.ofDays(7), 5, 64, 3))
                .isInstanceOf(InvalidValueException.class)
                .hasMessageContaining("must not exceed");
    }

    @Test
    void refusesADefaultAbsoluteTimeoutAboveItsMaximum() {
        assertThatThrownBy(() -> new SessionPolicy(Duration.ofMinutes(30), Duration.ofDays(8), Duration.ofDays(1),
                Duration.ofDays(7), 5, 64, 3))
                .isInstanceOf(InvalidValueException.class)
                .hasMessageContaining("must not exceed");
    }

    @Test
    void acceptsDefaultsEqualToTheirMaximums() {
        SessionPolicy policy = new SessionPolicy(Duration.ofDays(1), Duration.ofDays(7), Duration.ofDays(1),
                Duration.ofDays(7), 0, 4, 0);

        assertThat(policy.defaultIdleTimeout()).isEqualTo(policy.maxIdleTimeout());
    }

    @Test
    void refusesNegativeLimits() {
        Duration d = Duration.ofHours(1);
        assertThatThrownBy(() -> new SessionPolicy(d, d, d, d, -1, 64, 3)).isInstanceOf(InvalidValueException.class);
        assertThatThrownBy(() -> new SessionPolicy(d, d, d, d, 5, 3, 3)).isInstanceOf(InvalidValueException.class)
                .hasMessageContaining("room for null");
        assertThatThrownBy(() -> new SessionPolicy(d, d, d, d, 5, 64, -1)).isInstanceOf(InvalidValueException.class);
    }

    private static void assertRejectedNaming(String field, ThrowingCallable call) {
        assertThatThrownBy(call)
                .isInstanceOfSatisfying(InvalidValueException.class, e -> assertThat(e.field()).isEqualTo(field))
                .hasMessageContaining(field);
    }
}
