package contract;

import static org.assertj.core.api.Assertions.assertThat;

import domain.progress.ProgressId;
import domain.progress.ProgressTicket;
import domain.progress.ProgressTickets;
import domain.project.ProjectId;
import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import support.MutableClock;

/**
 * The semantics every stream ticket store must have: a ticket opens its one operation's stream in
 * its project, again and again while it lives, each opening numbered, the latest one known.
 */
public abstract class ProgressTicketsContract {

    protected static final ProjectId SHOP = ProjectId.of("shop");
    protected static final ProjectId BLOG = ProjectId.of("blog");
    protected static final ProgressId IMPORT = ProgressId.of("import");
    protected static final ProgressId EXPORT = ProgressId.of("export");
    protected static final Duration TTL = Duration.ofSeconds(30);

    protected final MutableClock clock = new MutableClock();
    protected ProgressTickets tickets;

    /** A fresh, empty store on {@code clock}, isolated from every other test. */
    protected abstract ProgressTickets newStore(MutableClock clock);

    /** Lets {@code duration} pass for the store (the in-memory one reads the clock; Redis expires in real time). */
    protected abstract void letTimePass(Duration duration);

    @BeforeEach
    void createStore() {
        tickets = newStore(clock);
    }

    private ProgressTicket.Issued stored(ProjectId project, Duration ttl) {
        ProgressTicket.Issued issued = ProgressTicket.issue(project, IMPORT, "backend");
        await(tickets.store(issued.digest(), issued.ticket(), ttl));
        return issued;
    }

    private Optional<ProgressTicket.Opening> open(ProjectId project, ProgressId operation, String digest) {
        return await(tickets.open(project, operation, digest, TTL));
    }

    private OptionalLong latest(ProjectId project, String digest) {
        return await(tickets.latestOpening(project, digest));
    }

    private static <T> T await(Uni<T> uni) {
        return uni.await().atMost(Duration.ofSeconds(10));
    }

    @Test
    void opensAStoredTicketAgainAndAgainNumberingEachOpening() {
        ProgressTicket.Issued issued = stored(SHOP, TTL);

        assertThat(latest(SHOP, issued.digest())).hasValue(0);
        assertThat(open(SHOP, IMPORT, issued.digest())).contains(new ProgressTicket.Opening(issued.ticket(), issued.digest(), 1));
        assertThat(open(SHOP, IMPORT, issued.digest())).contains(new ProgressTicket.Opening(issued.ticket(), issued.digest(), 2));
        assertThat(latest(SHOP, issued.digest())).hasValue(2);
    }

    @Test
    void answersNothingForADigestNeverStored() {
        stored(SHOP, TTL);
        String never = ProgressTicket.digestOf("cdt_never-issued");

        assertThat(open(SHOP, IMPORT, never)).isEmpty();
        assertThat(latest(SHOP, never)).isEmpty();
    }

    @Test
    void opensATicketOnlyForItsOwnOperationOfItsOwnProjectAndCountsNoOtherTry() {
        ProgressTicket.Issued issued = stored(SHOP, TTL);

        assertThat(open(BLOG, IMPORT, issued.digest())).isEmpty();
        assertThat(open(SHOP, EXPORT, issued.digest())).isEmpty();
        assertThat(latest(SHOP, issued.digest())).hasValue(0);
        assertThat(open(SHOP, IMPORT, issued.digest())).map(ProgressTicket.Opening::number).contains(1L);
    }

    @Test
    void forgetsATicketNeverOpenedOnceItsTimeHasPassed() {
        Duration ttl = Duration.ofMillis(300);
        ProgressTicket.Issued expiring = stored(SHOP, ttl);
        ProgressTicket.Issued lasting = stored(SHOP, TTL);

        letTimePass(ttl.plusMillis(5));

        assertThat(open(SHOP, IMPORT, expiring.digest())).isEmpty();
        assertThat(latest(SHOP, expiring.digest())).isEmpty();
        assertThat(open(SHOP, IMPORT, lasting.digest())).isPresent();
    }

    @Test
    void keepsAnOpenedTicketForTheTimeGivenAtItsLatestOpening() {
        Duration first = Duration.ofMillis(300);
        ProgressTicket.Issued kept = stored(SHOP, first);
        ProgressTicket.Issued dropped = stored(SHOP, TTL);
        await(tickets.open(SHOP, IMPORT, kept.digest(), Duration.ofSeconds(30)));
        await(tickets.open(SHOP, IMPORT, dropped.digest(), first));

        letTimePass(first.plusMillis(5));

        assertThat(open(SHOP, IMPORT, kept.digest())).map(ProgressTicket.Opening::number).contains(2L);
        assertThat(open(SHOP, IMPORT, dropped.digest())).isEmpty();
        assertThat(latest(SHOP, dropped.digest())).isEmpty();
    }

    @Test
    void givesEveryOneOfManyConcurrentOpeningsItsOwnNumber() throws Exception {
        ProgressTicket.Issued issued = stored(SHOP, TTL);
        int openers = 32;
        ExecutorService pool = Executors.newFixedThreadPool(openers);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Optional<ProgressTicket.Opening>>> results = new ArrayList<>();
            for (int i = 0; i < openers; i++) {
                results.add(pool.submit(() -> {
                    go.await();
                    return open(SHOP, IMPORT, issued.digest());
                }));
            }
            go.countDown();
            Set<Long> numbers = new TreeSet<>();
            for (Future<Optional<ProgressTicket.Opening>> result : results) {
                numbers.add(result.get(10, TimeUnit.SECONDS).orElseThrow().number());
            }
            assertThat(numbers).hasSize(openers).contains(1L, (long) openers);
            assertThat(latest(SHOP, issued.digest())).hasValue(openers);
        } finally {
            pool.shutdownNow();
        }
    }
}
