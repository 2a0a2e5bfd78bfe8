package domain.session;

import static org.assertj.core.api.Assertions.assertThat;

import domain.project.ProjectId;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class UserSessionTest {

    private static final UserId ADA = UserId.of("ada@example.com");
    private static final ProjectId SHOP = ProjectId.of("shop");
    private static final ProjectId BLOG = ProjectId.of("blog");
    private static final Instant NOON = Instant.parse("2030-01-01T12:00:00.000Z");
    private static final Duration IDLE = Duration.ofMinutes(30);

    /** Ada's session opened at noon with access to the shop, 30 min idle, ending 8 h after noon. */
    private static UserSession adasSession() {
        return sessionEndingAt(NOON.plus(Duration.ofHours(8)));
    }

    private static UserSession sessionEndingAt(Instant absoluteExpiresAt) {
        return new UserSession(SessionId.newFor(ADA), ADA, "{\"name\":\"Ada\"}", Set.of(SHOP), NOON, NOON, IDLE,
                absoluteExpiresAt);
    }

    // --- expiry

    @Test
    void idleExpiryIsLastActivityPlusIdleTimeoutWhileBeforeTheAbsoluteExpiry() {
        assertThat(adasSession().idleExpiresAt()).isEqualTo(NOON.plus(IDLE));
    }

    @Test
    void idleExpiryIsCappedAtTheAbsoluteExpiry() {
        Instant end = NOON.plus(Duration.ofMinutes(10));

        assertThat(sessionEndingAt(end).idleExpiresAt()).isEqualTo(end);
    }

    @Test
    void idleExpiryEqualsBothWhenTheyCoincide() {
        Instant end = NOON.plus(IDLE);

        assertThat(sessionEndingAt(end).idleExpiresAt()).isEqualTo(end);
    }

    @Test
    void activitySlidesTheIdleExpiry() {
        Instant later = NOON.plus(Duration.ofMinutes(20));

        UserSession touched = adasSession().touchedAt(later);

        assertThat(touched.lastActivityAt()).isEqualTo(later);
        assertThat(touched.idleExpiresAt()).isEqualTo(later.plus(IDLE));
    }

    @Test
    void activityNeverMovesTheIdleExpiryPastTheAbsoluteExpiry() {
        UserSession session = adasSession();
        Instant nearTheEnd = session.absoluteExpiresAt().minus(Duration.ofMinutes(5));

        UserSession touched = session.touchedAt(nearTheEnd);

        assertThat(touched.idleExpiresAt()).isEqualTo(session.absoluteExpiresAt());
        assertThat(touched.absoluteExpiresAt()).isEqualTo(session.absoluteExpiresAt());
    }

    @Test
    void activityChangesNothingButTheLastActivity() {
        UserSession session = adasSession();

        UserSession touched = session.touchedAt(NOON.plusSeconds(60));

        assertThat(touched.id()).isEqualTo(session.id());
        assertThat(touched.userId()).isEqualTo(ADA);
        assertThat(touched.userData()).isEqualTo(session.userData());
        assertThat(touched.projectAccess()).isEqualTo(session.projectAccess());
        assertThat(touched.createdAt()).isEqualTo(NOON);
        assertThat(touched.idleTimeout()).isEqualTo(IDLE);
        assertThat(session.lastActivityAt()).as("the original is unchanged").isEqualTo(NOON);
    }

    @Test
    void isActiveUntilJustBeforeItsIdleExpiry() {
        UserSession session = adasSession();
        Instant idleEnd = session.idleExpiresAt();

        assertThat(session.isActiveAt(NOON)).isTrue();
        assertThat(session.isActiveAt(idleEnd.minusMillis(1))).isTrue();
        assertThat(session.isActiveAt(idleEnd.minusNanos(1))).isTrue();
        assertThat(session.isActiveAt(idleEnd)).isFalse();
        assertThat(session.isActiveAt(idleEnd.plusMillis(1))).isFalse();
    }

    @Test
    void isNotActiveFromItsAbsoluteExpiryOnEvenWithRecentActivity() {
        UserSession session = adasSession();
        Instant end = session.absoluteExpiresAt();
        UserSession busy = session.touchedAt(end.minusMillis(1));

        assertThat(busy.isActiveAt(end.minusMillis(1))).isTrue();
        assertThat(busy.isActiveAt(end)).isFalse();
    }

    @Test
    void isNotActiveAfterIdlingLongerThanItsTimeout() {
        UserSession touched = adasSession().touchedAt(NOON.plus(Duration.ofHours(1)));

        assertThat(touched.isActiveAt(NOON.plus(Duration.ofHours(1)).plus(IDLE).minusMillis(1))).isTrue();
        assertThat(touched.isActiveAt(NOON.plus(Duration.ofHours(1)).plus(IDLE))).isFalse();
    }

    // --- project access

    @Test
    void grantingAddsAProjectAndKeepsTheOthers() {
        UserSession session = adasSession();

        UserSession granted = session.granting(BLOG);

        assertThat(granted.projectAccess()).containsExactlyInAnyOrder(SHOP, BLOG);
        assertThat(granted.mayAccess(BLOG)).isTrue();
        assertThat(granted.mayAccess(SHOP)).isTrue();
        assertThat(session.mayAccess(BLOG)).as("the original is unchanged").isFalse();
    }

    @Test
    void grantingAProjectAlreadyGrantedChangesNothing() {
        assertThat(adasSession().granting(SHOP).projectAccess()).containsExactly(SHOP);
    }

    @Test
    void revokingRemovesOnlyThatProject() {
        UserSession session = adasSession().granting(BLOG);

        UserSession revoked = session.revoking(SHOP);

        assertThat(revoked.projectAccess()).containsExactly(BLOG);
        assertThat(revoked.mayAccess(SHOP)).isFalse();
        assertThat(session.mayAccess(SHOP)).as("the original is unchanged").isTrue();
    }

    @Test
    void revokingAProjectNeverGrantedChangesNothing() {
        assertThat(adasSession().revoking(BLOG).projectAccess()).containsExactly(SHOP);
    }

    @Test
    void grantingAndRevokingKeepEverythingElse() {
        UserSession session = adasSession().touchedAt(NOON.plusSeconds(90));

        for (UserSession changed : new UserSession[] {session.granting(BLOG), session.revoking(SHOP)}) {
            assertThat(changed.id()).isEqualTo(session.id());
            assertThat(changed.userId()).isEqualTo(session.userId());
            assertThat(changed.userData()).isEqualTo(session.userData());
            assertThat(changed.createdAt()).isEqualTo(session.createdAt());
            assertThat(changed.lastActivityAt()).isEqualTo(session.lastActivityAt());
            assertThat(changed.idleTimeout()).isEqualTo(session.idleTimeout());
            assertThat(changed.absoluteExpiresAt()).isEqualTo(session.absoluteExpiresAt());
        }
    }

    @Test
    void keepsItsOwnCopyOfTheProjectSet() {
        Set<ProjectId> projects = new HashSet<>(Set.of(SHOP));
        UserSession session = new UserSession(SessionId.newFor(ADA), ADA, "null", projects, NOON, NOON, IDLE,
                NOON.plus(Duration.ofHours(1)));

        projects.add(BLOG);

        assertThat(session.projectAccess()).containsExactly(SHOP);
    }
}
