package contract;

import static org.assertj.core.api.Assertions.assertThat;

import domain.project.ProjectId;
import domain.session.SessionId;
import domain.session.SessionPolicy;
import domain.session.SessionRepository;
import domain.session.SessionToken;
import domain.session.UserId;
import domain.session.UserSession;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import support.MutableClock;

/**
 * The semantics every session adapter must have, run against each of them: which sessions are
 * live, which tokens open them, and how many a user may hold.
 */
public abstract class SessionRepositoryContract {

    protected static final UserId ADA = UserId.of("ada@example.com");
    protected static final UserId BOB = UserId.of("bob");
    protected static final UserId CAROL = UserId.of("carol");
    protected static final ProjectId SHOP = ProjectId.of("shop");
    protected static final ProjectId BLOG = ProjectId.of("blog");
    protected static final Duration IDLE = Duration.ofMinutes(30);
    protected static final Duration ABSOLUTE = Duration.ofHours(8);
    protected static final int UNLIMITED = 0;

    protected final MutableClock clock = new MutableClock();
    protected SessionRepository sessions;

    /** A fresh, empty repository on {@link #clock}, isolated from every other test. */
    protected abstract SessionRepository newRepository(MutableClock clock);

    @BeforeEach
    void createRepository() {
        sessions = newRepository(clock);
    }

    // --- fixtures that read like sentences

    /** A session of {@code user} opened now, with access to the shop, not yet stored. */
    protected SessionPolicy.Opened sessionOf(UserId user, Duration idle, Duration absolute) {
        return sessionOf(user, "{\"name\":\"" + user.value() + "\"}", Set.of(SHOP), idle, absolute);
    }

    protected SessionPolicy.Opened sessionOf(UserId user) {
        return sessionOf(user, IDLE, ABSOLUTE);
    }

    protected SessionPolicy.Opened sessionOf(UserId user, String userData, Set<ProjectId> projects, Duration idle,
            Duration absolute) {
        SessionId id = SessionId.newFor(user);
        var now = clock.instant();
        UserSession session = new UserSession(id, user, userData, projects, now, now, idle, now.plus(absolute));
        return new SessionPolicy.Opened(session, SessionToken.issue(id));
    }

    /** Stores the session with its token's digest; answers the ids the store revoked to make room. */
    protected List<SessionId> create(SessionPolicy.Opened opened, int maxPerUser) {
        return await(sessions.create(opened.session(), opened.token().verifierDigest(), maxPerUser));
    }

    /** A session of {@code user} opened now and stored, with no limit on the user's sessions. */
    protected SessionPolicy.Opened createdSessionOf(UserId user) {
        return createdSessionOf(user, IDLE, ABSOLUTE);
    }

    protected SessionPolicy.Opened createdSessionOf(UserId user, Duration idle, Duration absolute) {
        SessionPolicy.Opened opened = sessionOf(user, idle, absolute);
        assertThat(create(opened, UNLIMITED)).isEmpty();
        return opened;
    }

    protected Optional<UserSession> open(SessionPolicy.Opened opened) {
        return open(opened.token());
    }

    protected Optional<UserSession> open(SessionToken token) {
        return await(sessions.open(token, true));
    }

    /** Opens without recording activity. */
    protected Optional<UserSession> peek(SessionPolicy.Opened opened) {
        return await(sessions.open(opened.token(), false));
    }

    protected Optional<UserSession> find(SessionPolicy.Opened opened) {
        return await(sessions.find(opened.session().id()));
    }

    protected List<SessionId> idsOfSessionsOf(UserId user) {
        return await(sessions.findByUser(user)).stream().map(UserSession::id).toList();
    }

    protected static SessionId idOf(SessionPolicy.Opened opened) {
        return opened.session().id();
    }

    protected static <T> T await(Uni<T> uni) {
        return uni.await().atMost(Duration.ofSeconds(30));
    }

    // --- creating and opening

    @Test
    void opensACreatedSessionWithItsTokenReturningEveryFieldAsStored() {
        String userData = "{\"name\":\"Zoë \\\"Z\\\" Ådahl\",\"langs\":[\"en\",\"日本語\"],\"emoji\":\"🎉\",\n"
                + "\"n\":1.5e3,\"nil\":null,\"nested\":{\"a\":[1,2,{}]},\"esc\":\"\\u00e9\\n\"}";
        SessionPolicy.Opened opened = sessionOf(ADA, userData, Set.of(SHOP, BLOG), Duration.ofSeconds(90),
                Duration.ofSeconds(3_600));
        create(opened, UNLIMITED);

        UserSession session = open(opened).orElseThrow();

        assertThat(session.id()).isEqualTo(idOf(opened));
        assertThat(session.userId()).isEqualTo(ADA);
        assertThat(session.userData()).isEqualTo(userData);
        assertThat(session.projectAccess()).containsExactlyInAnyOrder(SHOP, BLOG);
        assertThat(session.createdAt()).isEqualTo(clock.instant());
        assertThat(session.lastActivityAt()).isEqualTo(clock.instant());
        assertThat(session.idleTimeout()).isEqualTo(Duration.ofSeconds(90));
        assertThat(session.absoluteExpiresAt()).isEqualTo(clock.instant().plusSeconds(3_600));
        assertThat(session).isEqualTo(opened.session());
    }

    @Test
    void keepsASessionWithoutProjectsOrUserData() {
        SessionPolicy.Opened opened = sessionOf(ADA, "null", Set.of(), IDLE, ABSOLUTE);
        create(opened, UNLIMITED);

        UserSession session = find(opened).orElseThrow();

        assertThat(session.projectAccess()).isEmpty();
        assertThat(session.userData()).isEqualTo("null");
        assertThat(session).isEqualTo(opened.session());
    }

    @Test
    void findsACreatedSessionByItsIdWithoutAToken() {
        SessionPolicy.Opened opened = createdSessionOf(ADA);

        assertThat(find(opened)).contains(opened.session());
    }

    @Test
    void refusesATokenWithTheRightSessionIdButAnotherVerifier() {
        SessionPolicy.Opened opened = createdSessionOf(ADA);
        SessionToken forged = SessionToken.issue(idOf(opened));

        assertThat(open(forged)).isEmpty();
        assertThat(await(sessions.open(forged, false))).isEmpty();
        assertThat(open(opened)).as("the real token still opens it").isPresent();
    }

    @Test
    void refusesATokenOfASessionNeverCreated() {
        createdSessionOf(ADA);
        SessionPolicy.Opened never = sessionOf(ADA);

        assertThat(open(never)).isEmpty();
        assertThat(find(never)).isEmpty();
        assertThat(idsOfSessionsOf(ADA)).doesNotContain(idOf(never));
    }

    @Test
    void keepsSessionsOfDifferentUsersApart() {
        SessionPolicy.Opened adas = createdSessionOf(ADA);
        SessionPolicy.Opened bobs = createdSessionOf(BOB);

        assertThat(open(adas).orElseThrow().userId()).isEqualTo(ADA);
        assertThat(open(bobs).orElseThrow().userId()).isEqualTo(BOB);
        assertThat(idsOfSessionsOf(ADA)).containsExactly(idOf(adas));
        assertThat(idsOfSessionsOf(BOB)).containsExactly(idOf(bobs));
    }

    // --- activity

    @Test
    void openingWithTouchSlidesTheIdleExpiry() {
        SessionPolicy.Opened opened = createdSessionOf(ADA, Duration.ofSeconds(60), Duration.ofHours(1));
        var created = clock.instant();

        clock.advance(Duration.ofSeconds(40));
        UserSession touched = open(opened).orElseThrow();
        clock.advance(Duration.ofSeconds(40)); // 20 s past the idle expiry the session had when created

        assertThat(touched.lastActivityAt()).isEqualTo(created.plusSeconds(40));
        assertThat(touched.idleExpiresAt()).isEqualTo(created.plusSeconds(100));
        UserSession later = peek(opened).orElseThrow();
        assertThat(later.lastActivityAt()).isEqualTo(created.plusSeconds(40));
        assertThat(later.createdAt()).isEqualTo(created);
        assertThat(find(opened)).isPresent();
    }

    @Test
    void openingWithoutTouchLeavesTheLastActivityAsItWas() {
        SessionPolicy.Opened opened = createdSessionOf(ADA, Duration.ofSeconds(60), Duration.ofHours(1));
        var created = clock.instant();

        clock.advance(Duration.ofSeconds(40));
        UserSession peeked = peek(opened).orElseThrow();
        clock.advance(Duration.ofSeconds(20));

        assertThat(peeked.lastActivityAt()).isEqualTo(created);
        assertThat(peek(opened)).isEmpty();
        assertThat(find(opened)).isEmpty();
    }

    @Test
    void findingDoesNotCountAsActivity() {
        SessionPolicy.Opened opened = createdSessionOf(ADA, Duration.ofSeconds(60), Duration.ofHours(1));
        var created = clock.instant();

        clock.advance(Duration.ofSeconds(40));
        UserSession found = find(opened).orElseThrow();
        await(sessions.findByUser(ADA));
        clock.advance(Duration.ofSeconds(20));

        assertThat(found.lastActivityAt()).isEqualTo(created);
        assertThat(open(opened)).isEmpty();
    }

    // --- expiry

    @Test
    void endsASessionExactlyAtItsIdleExpiry() {
        SessionPolicy.Opened opened = createdSessionOf(ADA, Duration.ofSeconds(60), Duration.ofHours(1));

        clock.advance(Duration.ofMillis(59_999));
        assertThat(find(opened)).as("a millisecond before the idle expiry").isPresent();
        clock.advance(Duration.ofMillis(1));

        assertThat(find(opened)).isEmpty();
        assertThat(open(opened)).isEmpty();
        assertThat(peek(opened)).isEmpty();
        assertThat(await(sessions.findByUser(ADA))).isEmpty();
    }

    @Test
    void givesNothingForASessionIdleLongerThanItsTimeout() {
        SessionPolicy.Opened idle = createdSessionOf(ADA, Duration.ofSeconds(60), Duration.ofHours(1));
        SessionPolicy.Opened busy = createdSessionOf(ADA, Duration.ofSeconds(60), Duration.ofHours(1));

        clock.advance(Duration.ofSeconds(30));
        open(busy);
        clock.advance(Duration.ofSeconds(31));

        assertThat(open(idle)).isEmpty();
        assertThat(find(idle)).isEmpty();
        assertThat(idsOfSessionsOf(ADA)).containsExactly(idOf(busy));
    }

    @Test
    void endsAtItsAbsoluteExpiryHoweverActiveAndNeverPromisesMore() {
        SessionPolicy.Opened opened = createdSessionOf(ADA, Duration.ofSeconds(60), Duration.ofSeconds(300));
        var end = opened.session().absoluteExpiresAt();

        for (int second = 30; second < 300; second += 30) {
            clock.advance(Duration.ofSeconds(30));
            UserSession touched = open(opened).orElseThrow(() -> new AssertionError("gone before its absolute expiry"));
            assertThat(touched.lastActivityAt()).isEqualTo(clock.instant());
            assertThat(touched.absoluteExpiresAt()).isEqualTo(end);
            assertThat(touched.idleExpiresAt()).isBeforeOrEqualTo(end);
        }
        clock.advance(Duration.ofMillis(29_999)); // 1 ms before the end
        UserSession last = open(opened).orElseThrow();
        assertThat(last.idleExpiresAt()).isEqualTo(end);
        clock.advance(Duration.ofMillis(1));

        assertThat(clock.instant()).isEqualTo(end);
        assertThat(open(opened)).isEmpty();
        assertThat(find(opened)).isEmpty();
        assertThat(await(sessions.findByUser(ADA))).isEmpty();
    }

    // --- project access

    @Test
    void grantsAndRevokesAProjectVisiblyToFindAndOpen() {
        SessionPolicy.Opened opened = createdSessionOf(ADA);

        Optional<UserSession> granted = await(sessions.changeAccess(idOf(opened), BLOG, true));

        assertThat(granted).contains(opened.session().granting(BLOG));
        assertThat(find(opened).orElseThrow().projectAccess()).containsExactlyInAnyOrder(SHOP, BLOG);
        assertThat(open(opened).orElseThrow().projectAccess()).containsExactlyInAnyOrder(SHOP, BLOG);

        Optional<UserSession> revoked = await(sessions.changeAccess(idOf(opened), SHOP, false));

        assertThat(revoked.orElseThrow().projectAccess()).containsExactly(BLOG);
        assertThat(find(opened).orElseThrow().projectAccess()).containsExactly(BLOG);
        assertThat(open(opened).orElseThrow().projectAccess()).containsExactly(BLOG);
    }

    @Test
    void revokingTheLastProjectLeavesASessionWithoutAccess() {
        SessionPolicy.Opened opened = createdSessionOf(ADA);

        await(sessions.changeAccess(idOf(opened), SHOP, false));

        assertThat(find(opened).orElseThrow().projectAccess()).isEmpty();
        assertThat(open(opened)).as("still live").isPresent();
    }

    @Test
    void changesAccessOfNoSessionThatIsNotLive() {
        SessionPolicy.Opened revoked = createdSessionOf(ADA);
        await(sessions.revoke(idOf(revoked)));
        SessionPolicy.Opened expired = createdSessionOf(ADA, Duration.ofSeconds(1), Duration.ofHours(1));
        clock.advance(Duration.ofSeconds(1));

        assertThat(await(sessions.changeAccess(idOf(sessionOf(ADA)), BLOG, true))).isEmpty();
        assertThat(await(sessions.changeAccess(idOf(revoked), BLOG, true))).isEmpty();
        assertThat(await(sessions.changeAccess(idOf(expired), BLOG, true))).isEmpty();
        assertThat(find(revoked)).isEmpty();
        assertThat(find(expired)).isEmpty();
    }

    // --- replacing the verifier

    @Test
    void replacingTheVerifierRetiresTheOldTokenAtOnce() {
        SessionPolicy.Opened opened = createdSessionOf(ADA);
        SessionToken rotated = SessionToken.issue(idOf(opened));

        assertThat(await(sessions.replaceVerifier(idOf(opened), rotated.verifierDigest()))).isTrue();

        assertThat(open(opened)).isEmpty();
        assertThat(open(rotated)).contains(opened.session());
        assertThat(open(opened)).as("still refused after the new token was used").isEmpty();
    }

    @Test
    void replacesTheVerifierOfNoSessionThatIsNotLive() {
        SessionPolicy.Opened revoked = createdSessionOf(ADA);
        await(sessions.revoke(idOf(revoked)));
        SessionPolicy.Opened never = sessionOf(ADA);

        assertThat(await(sessions.replaceVerifier(idOf(never), SessionToken.issue(idOf(never)).verifierDigest())))
                .isFalse();
        SessionToken retry = SessionToken.issue(idOf(revoked));
        assertThat(await(sessions.replaceVerifier(idOf(revoked), retry.verifierDigest()))).isFalse();
        assertThat(open(retry)).isEmpty();
        assertThat(find(never)).isEmpty();
    }

    // --- revoking

    @Test
    void revokesASessionOnce() {
        SessionPolicy.Opened opened = createdSessionOf(ADA);
        SessionPolicy.Opened other = createdSessionOf(ADA);

        assertThat(await(sessions.revoke(idOf(opened)))).isTrue();

        assertThat(open(opened)).isEmpty();
        assertThat(find(opened)).isEmpty();
        assertThat(idsOfSessionsOf(ADA)).containsExactly(idOf(other));
        assertThat(await(sessions.revoke(idOf(opened)))).isFalse();
        assertThat(open(other)).isPresent();
    }

    @Test
    void revokesNoSessionThatWasNeverCreatedOrHasExpired() {
        SessionPolicy.Opened expired = createdSessionOf(ADA, Duration.ofSeconds(1), Duration.ofHours(1));
        clock.advance(Duration.ofSeconds(2));

        assertThat(await(sessions.revoke(idOf(sessionOf(ADA))))).isFalse();
        assertThat(await(sessions.revoke(idOf(expired)))).isFalse();
    }

    // --- listing a user's sessions

    @Test
    void listsAUsersLiveSessionsOldestFirst() {
        List<SessionId> created = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            created.add(idOf(createdSessionOf(ADA)));
            clock.advance(Duration.ofMillis(1));
        }
        createdSessionOf(BOB);

        List<UserSession> listed = await(sessions.findByUser(ADA));

        assertThat(listed).extracting(UserSession::id).containsExactlyElementsOf(created);
        assertThat(listed).allSatisfy(s -> assertThat(s.userId()).isEqualTo(ADA));
    }

    @Test
    void ordersByCreationNotByLastActivity() {
        SessionPolicy.Opened first = createdSessionOf(ADA);
        clock.advance(Duration.ofMillis(1));
        SessionPolicy.Opened second = createdSessionOf(ADA);
        clock.advance(Duration.ofSeconds(5));
        open(first);

        assertThat(idsOfSessionsOf(ADA)).containsExactly(idOf(first), idOf(second));
    }

    @Test
    void listsNeitherRevokedNorExpiredSessionsNorAnotherUsers() {
        SessionPolicy.Opened first = createdSessionOf(ADA);
        clock.advance(Duration.ofMillis(1));
        SessionPolicy.Opened shortLived = createdSessionOf(ADA, Duration.ofSeconds(1), Duration.ofHours(1));
        clock.advance(Duration.ofMillis(1));
        SessionPolicy.Opened revoked = createdSessionOf(ADA);
        clock.advance(Duration.ofMillis(1));
        SessionPolicy.Opened last = createdSessionOf(ADA);
        SessionPolicy.Opened bobs = createdSessionOf(BOB);
        await(sessions.revoke(idOf(revoked)));

        clock.advance(Duration.ofSeconds(2));

        assertThat(idsOfSessionsOf(ADA)).containsExactly(idOf(first), idOf(last));
        assertThat(idsOfSessionsOf(BOB)).containsExactly(idOf(bobs));
        assertThat(idsOfSessionsOf(CAROL)).isEmpty();
        assertThat(idsOfSessionsOf(ADA)).doesNotContain(idOf(shortLived));
    }

    @Test
    void listsTheSessionsAsStored() {
        SessionPolicy.Opened opened = createdSessionOf(ADA);

        assertThat(await(sessions.findByUser(ADA))).containsExactly(opened.session());
    }

    // --- revoking all of a user's sessions

    @Test
    void revokesAllOfAUsersLiveSessionsAndCountsThem() {
        List<SessionPolicy.Opened> adas = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            adas.add(createdSessionOf(ADA));
            clock.advance(Duration.ofMillis(1));
        }
        SessionPolicy.Opened expired = createdSessionOf(ADA, Duration.ofSeconds(1), Duration.ofHours(1));
        SessionPolicy.Opened revoked = createdSessionOf(ADA);
        await(sessions.revoke(idOf(revoked)));
        SessionPolicy.Opened bobs = createdSessionOf(BOB);
        clock.advance(Duration.ofSeconds(1));

        assertThat(await(sessions.revokeAll(ADA))).isEqualTo(3);

        assertThat(adas).allSatisfy(s -> assertThat(open(s)).isEmpty());
        assertThat(open(expired)).isEmpty();
        assertThat(idsOfSessionsOf(ADA)).isEmpty();
        assertThat(open(bobs)).isPresent();
        assertThat(idsOfSessionsOf(BOB)).containsExactly(idOf(bobs));
        assertThat(await(sessions.revokeAll(ADA))).as("nothing left the second time").isZero();
    }

    @Test
    void revokesNothingOfAUserWithoutSessions() {
        SessionPolicy.Opened bobs = createdSessionOf(BOB);

        assertThat(await(sessions.revokeAll(CAROL))).isZero();
        assertThat(open(bobs)).isPresent();
    }

    @Test
    void letsAUserOpenNewSessionsAfterRevokingAll() {
        createdSessionOf(ADA);
        await(sessions.revokeAll(ADA));

        SessionPolicy.Opened fresh = createdSessionOf(ADA);

        assertThat(open(fresh)).isPresent();
        assertThat(idsOfSessionsOf(ADA)).containsExactly(idOf(fresh));
    }

    // --- sessions per user

    @Test
    void revokesTheOldestSessionToMakeRoomBeyondTheLimit() {
        SessionPolicy.Opened oldest = sessionOf(ADA);
        assertThat(create(oldest, 2)).isEmpty();
        clock.advance(Duration.ofMillis(1));
        SessionPolicy.Opened middle = sessionOf(ADA);
        assertThat(create(middle, 2)).isEmpty();
        clock.advance(Duration.ofMillis(1));
        SessionPolicy.Opened newest = sessionOf(ADA);

        assertThat(create(newest, 2)).containsExactly(idOf(oldest));

        assertThat(open(oldest)).isEmpty();
        assertThat(find(oldest)).isEmpty();
        assertThat(open(middle)).isPresent();
        assertThat(open(newest)).isPresent();
        assertThat(idsOfSessionsOf(ADA)).containsExactly(idOf(middle), idOf(newest));
    }

    @Test
    void evictsTheOldestByCreationEvenIfItWasUsedLast() {
        SessionPolicy.Opened oldest = sessionOf(ADA);
        create(oldest, 2);
        clock.advance(Duration.ofMillis(1));
        SessionPolicy.Opened middle = sessionOf(ADA);
        create(middle, 2);
        clock.advance(Duration.ofSeconds(1));
        open(oldest);

        assertThat(create(sessionOf(ADA), 2)).containsExactly(idOf(oldest));
        assertThat(open(middle)).isPresent();
    }

    @Test
    void revokesAsManyOldestSessionsAsNeededWhenTheLimitIsLowered() {
        List<SessionPolicy.Opened> four = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            four.add(createdSessionOf(ADA));
            clock.advance(Duration.ofMillis(1));
        }
        SessionPolicy.Opened newest = sessionOf(ADA);

        assertThat(create(newest, 2)).containsExactlyInAnyOrder(idOf(four.get(0)), idOf(four.get(1)), idOf(four.get(2)));

        assertThat(idsOfSessionsOf(ADA)).containsExactly(idOf(four.get(3)), idOf(newest));
        assertThat(open(four.get(0))).isEmpty();
    }

    @Test
    void countsNeitherExpiredSessionsNorOtherUsersAgainstTheLimit() {
        SessionPolicy.Opened expired = createdSessionOf(ADA, Duration.ofSeconds(1), Duration.ofHours(1));
        createdSessionOf(BOB);
        createdSessionOf(BOB);
        clock.advance(Duration.ofSeconds(1));
        SessionPolicy.Opened first = sessionOf(ADA);
        clock.advance(Duration.ofMillis(1));
        SessionPolicy.Opened second = sessionOf(ADA);

        assertThat(create(first, 2)).isEmpty();
        assertThat(create(second, 2)).doesNotContain(idOf(expired)).isEmpty();

        assertThat(idsOfSessionsOf(ADA)).containsExactly(idOf(first), idOf(second));
        assertThat(idsOfSessionsOf(BOB)).hasSize(2);
    }

    @Test
    void limitsNothingWithALimitOfZero() {
        List<SessionPolicy.Opened> five = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            SessionPolicy.Opened opened = sessionOf(ADA);
            assertThat(create(opened, UNLIMITED)).isEmpty();
            five.add(opened);
            clock.advance(Duration.ofMillis(1));
        }

        assertThat(five).allSatisfy(s -> assertThat(open(s)).isPresent());
        assertThat(idsOfSessionsOf(ADA)).hasSize(5);
    }

    @Test
    void keepsExactlyTheLimitWhenTwentySessionsAreCreatedAtOnce() {
        List<SessionPolicy.Opened> twenty = IntStream.range(0, 20).mapToObj(i -> sessionOf(ADA)).toList();

        List<List<SessionId>> answers = await(Uni.join().all(twenty.stream()
                        .map(s -> sessions.create(s.session(), s.token().verifierDigest(), 3)
                                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool()))
                        .toList())
                .andFailFast());

        List<SessionId> live = idsOfSessionsOf(ADA);
        assertThat(live).hasSize(3);
        List<SessionId> reportedRevoked = answers.stream().flatMap(List::stream).toList();
        assertThat(reportedRevoked).as("each revoked session is reported once").doesNotHaveDuplicates().hasSize(17);
        Set<SessionId> accounted = new HashSet<>(live);
        accounted.addAll(reportedRevoked);
        assertThat(accounted).isEqualTo(new HashSet<>(twenty.stream().map(SessionRepositoryContract::idOf).toList()));
        long opening = twenty.stream().filter(s -> peek(s).isPresent()).count();
        assertThat(opening).isEqualTo(3);
    }

    // --- walking every session, and restoring copies (export and import)

    /** Every session a walk with pages of about {@code limit} reads, by id; a session read twice must be the same. */
    protected java.util.Map<SessionId, domain.session.StoredSession> walk(int limit) {
        java.util.Map<SessionId, domain.session.StoredSession> read = new java.util.HashMap<>();
        String cursor = "";
        for (int pages = 0; pages < 1_000; pages++) {
            domain.session.SessionPage page = await(sessions.page(cursor, limit));
            for (domain.session.StoredSession stored : page.sessions()) {
                domain.session.StoredSession before = read.put(stored.session().id(), stored);
                assertThat(before == null || before.equals(stored)).as("a session read twice reads the same").isTrue();
            }
            if (page.next().isEmpty()) {
                return read;
            }
            cursor = page.next().get();
        }
        throw new AssertionError("the walk did not end within 1,000 pages");
    }

    @Test
    void walksEveryLiveSessionWithItsVerifierDigestAndNoOther() {
        List<SessionPolicy.Opened> live = new ArrayList<>();
        for (int i = 0; i < 23; i++) {
            live.add(createdSessionOf(UserId.of("user-" + (i % 9))));
        }
        SessionPolicy.Opened revoked = createdSessionOf(BOB);
        await(sessions.revoke(idOf(revoked)));
        SessionPolicy.Opened ended = createdSessionOf(CAROL, Duration.ofSeconds(5), ABSOLUTE);
        clock.advance(Duration.ofSeconds(10));

        var read = walk(4);

        assertThat(read.keySet()).containsExactlyInAnyOrderElementsOf(live.stream().map(o -> idOf(o)).toList());
        for (SessionPolicy.Opened opened : live) {
            assertThat(read.get(idOf(opened)).session()).isEqualTo(opened.session());
            assertThat(read.get(idOf(opened)).verifierDigest()).isEqualTo(opened.token().verifierDigest());
        }
        assertThat(read).doesNotContainKeys(idOf(revoked), idOf(ended));
    }

    @Test
    void walksAnEmptyStoreInOnePage() {
        assertThat(walk(10)).isEmpty();
    }

    @Test
    void restoresACopiedSessionWithItsTimesSoThatItsTokenOpensIt() {
        SessionPolicy.Opened copy = sessionOf(ADA, "{\"n\":1}", Set.of(SHOP, BLOG), IDLE, ABSOLUTE);
        clock.advance(Duration.ofMinutes(10)); // it was last active ten minutes ago, where it came from
        domain.session.StoredSession stored = new domain.session.StoredSession(copy.session(), copy.token().verifierDigest());

        assertThat(await(sessions.restore(stored))).isTrue();

        assertThat(find(copy)).contains(copy.session());
        clock.advance(IDLE.minus(Duration.ofMinutes(10)).plusSeconds(1));
        assertThat(peek(copy)).as("its idle expiry counts from its last activity there").isEmpty();
    }

    @Test
    void restoredSessionOpensWithItsTokenAndCountsAmongItsUsersSessions() {
        SessionPolicy.Opened copy = sessionOf(ADA);
        await(sessions.restore(new domain.session.StoredSession(copy.session(), copy.token().verifierDigest())));

        assertThat(open(copy)).isPresent();
        assertThat(idsOfSessionsOf(ADA)).containsExactly(idOf(copy));
        assertThat(await(sessions.revoke(idOf(copy)))).isTrue();
        assertThat(peek(copy)).isEmpty();
    }

    @Test
    void keepsALiveSessionOfTheSameIdInsteadOfTheCopy() {
        SessionPolicy.Opened held = createdSessionOf(ADA);
        UserSession other = held.session().granting(BLOG);
        SessionToken otherToken = SessionToken.issue(idOf(held));

        assertThat(await(sessions.restore(new domain.session.StoredSession(other, otherToken.verifierDigest())))).isFalse();

        assertThat(find(held)).contains(held.session());
        assertThat(peek(held)).isPresent();
        assertThat(open(otherToken)).isEmpty();
    }

    @Test
    void refusesACopyThatHasEndedAlready() {
        SessionPolicy.Opened copy = sessionOf(ADA, Duration.ofSeconds(5), ABSOLUTE);
        clock.advance(Duration.ofSeconds(6));

        assertThat(await(sessions.restore(new domain.session.StoredSession(copy.session(), copy.token().verifierDigest())))).isFalse();

        assertThat(find(copy)).isEmpty();
        assertThat(walk(10)).isEmpty();
    }

    @Test
    void restoresNoMatterHowManySessionsItsUserHolds() {
        createdSessionOf(ADA);
        createdSessionOf(ADA);
        SessionPolicy.Opened copy = sessionOf(ADA);

        assertThat(await(sessions.restore(new domain.session.StoredSession(copy.session(), copy.token().verifierDigest())))).isTrue();

        assertThat(idsOfSessionsOf(ADA)).hasSize(3);
    }
}
