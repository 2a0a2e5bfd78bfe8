package contract;

import static domain.ratelimit.PolicyFixture.limit;
import static domain.ratelimit.PolicyFixture.named;
import static domain.ratelimit.PolicyFixture.perHour;
import static domain.ratelimit.PolicyFixture.perMinute;
import static domain.ratelimit.PolicyFixture.policy;
import static org.assertj.core.api.Assertions.assertThat;

import domain.project.ProjectId;
import domain.ratelimit.Consumption;
import domain.ratelimit.Grant;
import domain.ratelimit.Identifier;
import domain.ratelimit.IdentifierScope;
import domain.ratelimit.PolicyName;
import domain.ratelimit.RateLimitKey;
import domain.ratelimit.RateLimitPolicy;
import domain.ratelimit.RateLimitRepository;
import domain.ratelimit.RateLimiter;
import domain.ratelimit.SlidingWindowSimulator;
import domain.ratelimit.WindowState;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import support.MutableClock;

/**
 * The semantics every rate limit store must have, run against each of them: the same checks at the
 * same instants admit the same units and leave the same counts, down to the last unit.
 *
 * <p>Fixed windows are numbered from the epoch ({@code floor(now / W)}), so the scenarios first move
 * the clock to the start of a fixed window and then count seconds from there.
 */
public abstract class RateLimitRepositoryContract {

    protected static final ProjectId SHOP = ProjectId.of("shop");
    protected static final ProjectId BLOG = ProjectId.of("blog");
    protected static final Identifier ADA = Identifier.of(IdentifierScope.USER, "ada");
    protected static final Identifier BOB = Identifier.of(IdentifierScope.USER, "bob");

    /** 10 a minute, no burst. */
    protected static final RateLimitPolicy TEN_A_MINUTE = named("login", perMinute(10));
    /** 10 a minute and 100 an hour, no burst. */
    protected static final RateLimitPolicy MINUTE_AND_HOUR = named("search", policy(0, limit(10, 60), limit(100, 3_600)));

    protected final MutableClock clock = new MutableClock();
    protected RateLimitRepository limits;

    /** A fresh, empty repository on {@link #clock}, isolated from every other test. */
    protected abstract RateLimitRepository newRepository(MutableClock clock);

    @BeforeEach
    void createRepository() {
        limits = newRepository(clock);
    }

    // --- fixtures that read like sentences

    protected static <T> T await(Uni<T> uni) {
        return uni.await().atMost(Duration.ofSeconds(30));
    }

    protected static RateLimitKey keyOf(RateLimitPolicy policy, Identifier identifier) {
        return RateLimitKey.inProject(SHOP, policy.name(), identifier);
    }

    protected Consumption consume(RateLimitKey key, RateLimitPolicy policy, long cost) {
        return await(limits.consume(key, policy, cost));
    }

    protected Consumption consume(RateLimitPolicy policy, long cost) {
        return consume(keyOf(policy, ADA), policy, cost);
    }

    /** How many of {@code attempts} checks of one unit each, made now by Ada, are admitted. */
    protected int admittedOf(int attempts, RateLimitPolicy policy) {
        return admittedOf(attempts, keyOf(policy, ADA), policy);
    }

    protected int admittedOf(int attempts, RateLimitKey key, RateLimitPolicy policy) {
        int admitted = 0;
        for (int i = 0; i < attempts; i++) {
            if (consume(key, policy, 1).admitted()) {
                admitted++;
            }
        }
        return admitted;
    }

    protected List<WindowState> peek(RateLimitPolicy policy) {
        return await(limits.peek(keyOf(policy, ADA), policy));
    }

    /** Moves the clock to the start of the next fixed window of {@code seconds}. */
    protected void startOfAFixedWindowOf(long seconds) {
        long w = seconds * 1_000;
        long now = clock.millis();
        clock.advance(Duration.ofMillis(Math.floorDiv(now, w) * w + w - now));
    }

    protected void advanceSeconds(long seconds) {
        clock.advance(Duration.ofSeconds(seconds));
    }

    // --- consuming

    @Test
    void admitsACheckAndCountsItsCost() {
        startOfAFixedWindowOf(60);
        advanceSeconds(5);

        Consumption consumption = consume(TEN_A_MINUTE, 3);

        assertThat(consumption.admitted()).isTrue();
        assertThat(consumption.states()).containsExactly(new WindowState(3, 0, 5_000));
        assertThat(peek(TEN_A_MINUTE)).containsExactly(new WindowState(3, 0, 5_000));
    }

    @Test
    void deniesAtCapacityAndCountsNothing() {
        startOfAFixedWindowOf(60);

        assertThat(admittedOf(10, TEN_A_MINUTE)).isEqualTo(10);
        Consumption denied = consume(TEN_A_MINUTE, 1);

        assertThat(denied.admitted()).isFalse();
        assertThat(denied.states()).as("the state as it was, unchanged").containsExactly(new WindowState(10, 0, 0));
        assertThat(admittedOf(100, TEN_A_MINUTE)).isZero();
        assertThat(peek(TEN_A_MINUTE)).containsExactly(new WindowState(10, 0, 0));
    }

    @Test
    void admitsACostThatFillsTheCapacityExactlyAndNotOneMore() {
        startOfAFixedWindowOf(60);

        assertThat(consume(TEN_A_MINUTE, 4).admitted()).isTrue();
        assertThat(consume(TEN_A_MINUTE, 4).admitted()).isTrue();
        assertThat(consume(TEN_A_MINUTE, 4).admitted()).as("8 + 4 > 10").isFalse();
        assertThat(peek(TEN_A_MINUTE)).containsExactly(new WindowState(8, 0, 0));

        assertThat(consume(TEN_A_MINUTE, 3).admitted()).as("8 + 3 > 10").isFalse();
        assertThat(consume(TEN_A_MINUTE, 2).admitted()).as("8 + 2 = 10").isTrue();
        assertThat(peek(TEN_A_MINUTE)).containsExactly(new WindowState(10, 0, 0));
    }

    @Test
    void countsBeyondTwoToTheThirtyOneWithoutLoss() {
        RateLimitPolicy huge = named("bulk", policy(1_000_000_000L, limit(1_000_000_000L, 86_400)));
        startOfAFixedWindowOf(86_400);

        assertThat(consume(huge, 2_000_000_000L).admitted()).isTrue();
        assertThat(consume(huge, 1).admitted()).isFalse();

        assertThat(peek(huge)).containsExactly(new WindowState(2_000_000_000L, 0, 0));
    }

    // --- all or nothing across the windows of a policy

    @Test
    void countsNothingInTheHourWhenTheMinuteIsFull() {
        startOfAFixedWindowOf(3_600);
        assertThat(admittedOf(10, MINUTE_AND_HOUR)).isEqualTo(10);

        Consumption denied = consume(MINUTE_AND_HOUR, 1);

        assertThat(denied.admitted()).isFalse();
        assertThat(peek(MINUTE_AND_HOUR)).containsExactly(new WindowState(10, 0, 0), new WindowState(10, 0, 0));
    }

    @Test
    void countsNothingInTheMinuteWhenTheHourIsFull() {
        RateLimitPolicy hourFillsFirst = named("upload", policy(0, limit(10, 60), limit(15, 3_600)));
        startOfAFixedWindowOf(3_600);
        assertThat(admittedOf(10, hourFillsFirst)).isEqualTo(10);
        advanceSeconds(120);

        assertThat(admittedOf(6, hourFillsFirst)).as("the minute has room for 10, the hour for 5").isEqualTo(5);

        assertThat(peek(hourFillsFirst)).containsExactly(new WindowState(5, 0, 0), new WindowState(15, 0, 120_000));
    }

    @Test
    void reportsEveryWindowInTheOrderOfThePolicy() {
        RateLimitPolicy three = named("three", policy(0, limit(5, 1), limit(10, 60), limit(100, 3_600)));
        startOfAFixedWindowOf(3_600);
        advanceSeconds(90);
        clock.advance(Duration.ofMillis(250));

        Consumption consumption = consume(three, 2);

        assertThat(consumption.states()).containsExactly(
                new WindowState(2, 0, 250), new WindowState(2, 0, 30_250), new WindowState(2, 0, 90_250));
    }

    // --- sliding across window boundaries: the exact numbers of the algorithm

    @Test
    void slidesAcrossWindowBoundariesAdmittingExactlyWhatTheEstimateLeaves() {
        startOfAFixedWindowOf(60);
        advanceSeconds(30); // t = 30 s, fixed window 0

        assertThat(admittedOf(11, TEN_A_MINUTE)).isEqualTo(10);
        assertThat(peek(TEN_A_MINUTE)).containsExactly(new WindowState(10, 0, 30_000));

        advanceSeconds(30); // t = 60 s, window 1 starts: 10 × 60/60 + 0 = 10
        assertThat(peek(TEN_A_MINUTE)).containsExactly(new WindowState(0, 10, 0));
        assertThat(admittedOf(1, TEN_A_MINUTE)).isZero();

        advanceSeconds(30); // t = 90 s: 10 × 30/60 = 5
        assertThat(admittedOf(6, TEN_A_MINUTE)).isEqualTo(5);
        assertThat(peek(TEN_A_MINUTE)).containsExactly(new WindowState(5, 10, 30_000));

        advanceSeconds(30); // t = 120 s, window 2: 5 × 60/60 = 5
        assertThat(admittedOf(6, TEN_A_MINUTE)).isEqualTo(5);

        advanceSeconds(30); // t = 150 s: 5 × 30/60 + 5 = 7.5
        assertThat(admittedOf(3, TEN_A_MINUTE)).isEqualTo(2);
        assertThat(peek(TEN_A_MINUTE)).containsExactly(new WindowState(7, 5, 30_000));

        advanceSeconds(30); // t = 180 s, window 3: 7
        assertThat(admittedOf(4, TEN_A_MINUTE)).isEqualTo(3);

        advanceSeconds(120); // t = 300 s, window 5: window 4 counted nothing
        assertThat(peek(TEN_A_MINUTE)).containsExactly(new WindowState(0, 0, 0));
        assertThat(admittedOf(11, TEN_A_MINUTE)).isEqualTo(10);
    }

    @Test
    void letsThePreviousWindowFadeMillisecondByMillisecond() {
        startOfAFixedWindowOf(60);
        assertThat(admittedOf(10, TEN_A_MINUTE)).isEqualTo(10);
        advanceSeconds(60); // window 1 starts: 10

        clock.advance(Duration.ofMillis(5_999)); // 10 × 54.001/60 = 9.0002
        assertThat(admittedOf(1, TEN_A_MINUTE)).isZero();
        clock.advance(Duration.ofMillis(1)); // 10 × 54/60 = 9
        assertThat(admittedOf(2, TEN_A_MINUTE)).isEqualTo(1);
    }

    @Test
    void admitsTheBurstOnTopOfTheLimitAndThrottlesCorrespondinglyLongerAfter() {
        RateLimitPolicy withBurst = named("burst", policy(5, limit(10, 60)));
        startOfAFixedWindowOf(60);

        assertThat(admittedOf(16, withBurst)).isEqualTo(15);

        advanceSeconds(60); // window 1: 15, not 10, carried over
        assertThat(peek(withBurst)).containsExactly(new WindowState(0, 15, 0));
        assertThat(admittedOf(1, withBurst)).isZero();

        advanceSeconds(30); // 15 × 30/60 = 7.5: 7 more fit under 15, where 10 a minute alone would leave 5 under 10
        assertThat(admittedOf(8, withBurst)).isEqualTo(7);
        assertThat(peek(withBurst)).containsExactly(new WindowState(7, 15, 30_000));
    }

    @Test
    void countsADeniedCheckInNoWindowOnEitherSideOfABoundary() {
        startOfAFixedWindowOf(3_600);
        assertThat(admittedOf(10, MINUTE_AND_HOUR)).isEqualTo(10);
        advanceSeconds(60);
        assertThat(consume(MINUTE_AND_HOUR, 1).admitted()).isFalse();
        assertThat(consume(MINUTE_AND_HOUR, 5).admitted()).isFalse();

        assertThat(peek(MINUTE_AND_HOUR)).containsExactly(new WindowState(0, 10, 0), new WindowState(10, 0, 60_000));
    }

    @Test
    void appliesAChangedPolicyToTheCountsAlreadyMade() {
        startOfAFixedWindowOf(3_600);
        assertThat(admittedOf(8, TEN_A_MINUTE)).isEqualTo(8);

        RateLimitPolicy lowered = named("login", perMinute(5));
        assertThat(admittedOf(1, lowered)).isZero();

        RateLimitPolicy withAnHour = named("login", policy(0, limit(10, 60), limit(9, 3_600)));
        assertThat(admittedOf(3, withAnHour)).as("the new hour window starts from nothing").isEqualTo(2);
        assertThat(peek(withAnHour)).containsExactly(new WindowState(10, 0, 0), new WindowState(2, 0, 0));
    }

    // --- peek and reset

    @Test
    void peekCountsNothing() {
        startOfAFixedWindowOf(60);
        advanceSeconds(7);
        for (int i = 0; i < 50; i++) {
            assertThat(peek(TEN_A_MINUTE)).containsExactly(new WindowState(0, 0, 7_000));
        }

        assertThat(admittedOf(11, TEN_A_MINUTE)).isEqualTo(10);
        assertThat(peek(TEN_A_MINUTE)).containsExactly(new WindowState(10, 0, 7_000));
        assertThat(peek(TEN_A_MINUTE)).containsExactly(new WindowState(10, 0, 7_000));
    }

    @Test
    void resetForgetsEveryCountOfTheKeyAndNoOther() {
        startOfAFixedWindowOf(3_600);
        assertThat(admittedOf(10, MINUTE_AND_HOUR)).isEqualTo(10);
        assertThat(admittedOf(4, keyOf(MINUTE_AND_HOUR, BOB), MINUTE_AND_HOUR)).isEqualTo(4);

        await(limits.reset(keyOf(MINUTE_AND_HOUR, ADA)));

        assertThat(peek(MINUTE_AND_HOUR)).containsExactly(new WindowState(0, 0, 0), new WindowState(0, 0, 0));
        assertThat(admittedOf(11, MINUTE_AND_HOUR)).isEqualTo(10);
        assertThat(await(limits.peek(keyOf(MINUTE_AND_HOUR, BOB), MINUTE_AND_HOUR)))
                .containsExactly(new WindowState(4, 0, 0), new WindowState(4, 0, 0));
    }

    @Test
    void resetsAKeyNeverUsed() {
        RateLimitKey never = keyOf(TEN_A_MINUTE, Identifier.of(IdentifierScope.IP, "203.0.113.9"));

        await(limits.reset(never));

        assertThat(await(limits.peek(never, TEN_A_MINUTE)))
                .singleElement().satisfies(s -> assertThat(s.current() + s.previous()).isZero());
    }

    // --- whose counters

    @Test
    void keepsTheSameIdentifierOfTwoProjectsApart() {
        RateLimitKey inShop = RateLimitKey.inProject(SHOP, TEN_A_MINUTE.name(), ADA);
        RateLimitKey inBlog = RateLimitKey.inProject(BLOG, TEN_A_MINUTE.name(), ADA);

        assertThat(admittedOf(11, inShop, TEN_A_MINUTE)).isEqualTo(10);

        assertThat(admittedOf(11, inBlog, TEN_A_MINUTE)).isEqualTo(10);
    }

    @Test
    void keepsTheServicesOwnApiCountersApartFromEveryProject() {
        RateLimitPolicy api = named("api", perMinute(10));
        Identifier key = Identifier.of(IdentifierScope.KEY, "ada");
        RateLimitKey forApi = RateLimitKey.forApi("ada");
        assertThat(forApi.policy()).isEqualTo(PolicyName.API);

        assertThat(admittedOf(11, forApi, api)).isEqualTo(10);

        assertThat(admittedOf(11, RateLimitKey.inProject(SHOP, PolicyName.API, key), api)).isEqualTo(10);
        assertThat(admittedOf(11, RateLimitKey.inProject(BLOG, PolicyName.API, key), api)).isEqualTo(10);
        assertThat(admittedOf(11, RateLimitKey.forApi("bob"), api)).isEqualTo(10);
        assertThat(admittedOf(1, forApi, api)).isZero();
    }

    @Test
    void keepsTwoPoliciesAndTwoScopesOfTheSameValueApart() {
        RateLimitPolicy other = named("other", perMinute(10));
        Identifier ipNamedAda = Identifier.of(IdentifierScope.IP, "ada");

        assertThat(admittedOf(11, TEN_A_MINUTE)).isEqualTo(10);

        assertThat(admittedOf(11, keyOf(other, ADA), other)).isEqualTo(10);
        assertThat(admittedOf(11, keyOf(TEN_A_MINUTE, ipNamedAda), TEN_A_MINUTE)).isEqualTo(10);
    }

    // --- exactness under concurrency

    @Test
    void admitsExactlyTheLimitWhenSixtyFourClientsMakeTenThousandChecksAtOnce() {
        RateLimitPolicy thousandAnHour = named("exact", perHour(1_000));
        RateLimitKey key = keyOf(thousandAnHour, ADA);
        int clients = 64;
        int checks = 10_000;

        // Each client checks its share one after the other; the 64 clients run at once, each
        // subscribed on a worker thread so that an in-process store is really entered concurrently.
        List<Uni<Long>> allClients = IntStream.range(0, clients)
                .mapToObj(c -> Multi.createFrom().range(0, checks / clients + (c < checks % clients ? 1 : 0))
                        .onItem().transformToUniAndConcatenate(i -> limits.consume(key, thousandAnHour, 1))
                        .filter(Consumption::admitted)
                        .collect().with(Collectors.counting())
                        .runSubscriptionOn(Infrastructure.getDefaultWorkerPool()))
                .toList();
        List<Long> admittedPerClient = await(Uni.join().all(allClients).andFailFast());

        assertThat(admittedPerClient.stream().mapToLong(Long::longValue).sum()).isEqualTo(1_000);
        assertThat(await(limits.peek(key, thousandAnHour)).get(0).current()).isEqualTo(1_000);
    }

    @Test
    void admitsExactlyTheLimitWhenTenThousandChecksAreInFlightAtOnce() {
        RateLimitPolicy thousandAnHour = named("exact", perHour(1_000));
        RateLimitKey key = keyOf(thousandAnHour, BOB);

        List<Uni<Boolean>> checks = IntStream.range(0, 10_000)
                .mapToObj(i -> limits.consume(key, thousandAnHour, 1).map(Consumption::admitted)
                        .runSubscriptionOn(Infrastructure.getDefaultWorkerPool()))
                .toList();
        List<Boolean> admitted = new ArrayList<>();
        for (int from = 0; from < checks.size(); from += 1_000) {
            admitted.addAll(await(Uni.join().all(checks.subList(from, from + 1_000)).andFailFast()));
        }

        assertThat(admitted).filteredOn(a -> a).hasSize(1_000);
        assertThat(await(limits.peek(key, thousandAnHour)).get(0).current()).isEqualTo(1_000);
    }

    // --- leasing

    @Test
    void leasesTheUnitsAskedForWhenEveryWindowHasRoomAndCountsThemInEveryWindowAtOnce() {
        startOfAFixedWindowOf(3_600);
        advanceSeconds(5);

        Grant grant = await(limits.lease(keyOf(MINUTE_AND_HOUR, ADA), MINUTE_AND_HOUR, 4));

        assertThat(grant.units()).isEqualTo(4);
        assertThat(grant.states()).extracting(WindowState::current).containsExactly(4L, 4L);
        assertThat(peek(MINUTE_AND_HOUR)).extracting(WindowState::current).containsExactly(4L, 4L);
    }

    @Test
    void leasesOnlyWhatTheTightestWindowLeaves() {
        startOfAFixedWindowOf(3_600);
        advanceSeconds(5);
        consume(MINUTE_AND_HOUR, 7);

        Grant grant = await(limits.lease(keyOf(MINUTE_AND_HOUR, ADA), MINUTE_AND_HOUR, 5));

        assertThat(grant.units()).as("the minute has room for 3 more").isEqualTo(3);
        assertThat(peek(MINUTE_AND_HOUR)).extracting(WindowState::current).containsExactly(10L, 10L);
    }

    @Test
    void leasesNothingAndCountsNothingWhenOneWindowIsFull() {
        startOfAFixedWindowOf(3_600);
        advanceSeconds(5);
        consume(MINUTE_AND_HOUR, 10);

        Grant grant = await(limits.lease(keyOf(MINUTE_AND_HOUR, ADA), MINUTE_AND_HOUR, 5));

        assertThat(grant.units()).isZero();
        assertThat(grant.states()).extracting(WindowState::current).containsExactly(10L, 10L);
        assertThat(peek(MINUTE_AND_HOUR)).extracting(WindowState::current).containsExactly(10L, 10L);
    }

    @Test
    void leasesWhatTheFadingPreviousWindowLeavesExactlyAsTheDomainReckonsIt() {
        startOfAFixedWindowOf(60);
        consume(TEN_A_MINUTE, 9);
        advanceSeconds(60 + 20); // a third into the next window: the previous 9 weigh 6

        List<WindowState> before = peek(TEN_A_MINUTE);
        Grant grant = await(limits.lease(keyOf(TEN_A_MINUTE, ADA), TEN_A_MINUTE, 100));

        assertThat(grant.units()).isEqualTo(RateLimiter.grantable(TEN_A_MINUTE, before, 100)).isEqualTo(4);
        assertThat(consume(TEN_A_MINUTE, 1).admitted()).as("the lease left no room").isFalse();
    }

    @Test
    void leasesNeverMoreThanTheCapacityWhenManyLeasesRaceForIt() {
        RateLimitPolicy thousandAnHour = named("exact", perHour(1_000));
        RateLimitKey key = keyOf(thousandAnHour, ADA);

        List<Uni<Long>> leases = IntStream.range(0, 400)
                .mapToObj(i -> limits.lease(key, thousandAnHour, 7).map(Grant::units)
                        .runSubscriptionOn(Infrastructure.getDefaultWorkerPool()))
                .toList();
        long leased = await(Uni.join().all(leases).andFailFast()).stream().mapToLong(Long::longValue).sum();

        assertThat(leased).isEqualTo(1_000);
        assertThat(await(limits.peek(key, thousandAnHour)).get(0).current()).isEqualTo(1_000);
    }

    // --- the reference

    /**
     * A random trace of checks (several policies, identifiers, costs, and clock steps from none to
     * two windows) decides exactly as the reference implementation does, check by check.
     */
    @Test
    void decidesAndCountsExactlyAsTheReferenceImplementationOnARandomTrace() {
        SlidingWindowSimulator reference = new SlidingWindowSimulator(clock);
        List<RateLimitPolicy> policies = List.of(TEN_A_MINUTE, MINUTE_AND_HOUR,
                named("burst", policy(3, limit(4, 1), limit(20, 60))),
                named("sparse", policy(0, limit(7, 7), limit(30, 61), limit(50, 86_400))));
        List<Identifier> identifiers = List.of(ADA, BOB, Identifier.of(IdentifierScope.IP, "198.51.100.4"));
        Random random = new Random(7);
        int admitted = 0;
        for (int step = 0; step < 3_000; step++) {
            int stride = random.nextInt(100);
            clock.advance(Duration.ofMillis(stride < 40 ? 0 : stride < 90 ? random.nextInt(2_000) : random.nextInt(130_000)));
            RateLimitPolicy policy = policies.get(random.nextInt(policies.size()));
            RateLimitKey key = keyOf(policy, identifiers.get(random.nextInt(identifiers.size())));
            long cost = random.nextInt(5) == 0 ? 1 + random.nextInt((int) policy.maxCost()) : 1;

            Consumption expected = reference.check(key, policy, cost);
            Consumption actual = consume(key, policy, cost);

            assertThat(actual).as("step %d: %s of %s cost %d", step, key, policy, cost).isEqualTo(expected);
            admitted += actual.admitted() ? 1 : 0;
            if (step % 10 == 0) {
                assertThat(await(limits.peek(key, policy))).as("step %d: peek", step)
                        .isEqualTo(reference.check(key, policy, 0).states());
            }
        }
        assertThat(admitted).as("the trace admits and denies").isBetween(500, 2_500);
    }

    /**
     * A random trace of leases and checks, mixed, grants exactly what the reference implementation
     * would (the most units one check could count), step by step.
     */
    @Test
    void leasesExactlyAsTheReferenceImplementationOnARandomTrace() {
        SlidingWindowSimulator reference = new SlidingWindowSimulator(clock);
        List<RateLimitPolicy> policies = List.of(TEN_A_MINUTE, MINUTE_AND_HOUR,
                named("burst", policy(3, limit(4, 1), limit(20, 60))),
                named("sparse", policy(0, limit(7, 7), limit(30, 61), limit(50, 86_400))));
        Random random = new Random(11);
        long granted = 0;
        for (int step = 0; step < 2_000; step++) {
            int stride = random.nextInt(100);
            clock.advance(Duration.ofMillis(stride < 40 ? 0 : stride < 90 ? random.nextInt(2_000) : random.nextInt(130_000)));
            RateLimitPolicy policy = policies.get(random.nextInt(policies.size()));
            RateLimitKey key = keyOf(policy, random.nextBoolean() ? ADA : BOB);
            if (random.nextInt(3) == 0) {
                assertThat(consume(key, policy, 1)).as("step %d: check", step).isEqualTo(reference.check(key, policy, 1));
                continue;
            }
            long most = 1 + random.nextInt(12);

            Grant expected = await(reference.lease(key, policy, most));
            Grant actual = await(limits.lease(key, policy, most));

            assertThat(actual).as("step %d: lease of %d, %s of %s", step, most, key, policy).isEqualTo(expected);
            granted += actual.units();
        }
        assertThat(granted).as("the trace grants some and refuses some").isBetween(500L, 8_000L);
    }
}
