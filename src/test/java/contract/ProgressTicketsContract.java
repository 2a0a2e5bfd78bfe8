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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import support.MutableClock;

/** The semantics every stream ticket store must have: a ticket is taken once, in its project, before it expires. */
public abstract class ProgressTicketsContract {

    protected static final ProjectId SHOP = ProjectId.of("shop");
    protected static final ProjectId BLOG = ProjectId.of("blog");
    protected static final ProgressId IMPORT = ProgressId.of("import");
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

    private Optional<ProgressTicket> take(ProjectId project, String digest) {
        return await(tickets.take(project, digest));
    }

    private static <T> T await(Uni<T> uni) {
        return uni.await().atMost(Duration.ofSeconds(10));
    }

    @Test
    void answersAStoredTicketOnceAndThenNoMore() {
        ProgressTicket.Issued issued = stored(SHOP, TTL);

        assertThat(take(SHOP, issued.digest())).contains(issued.ticket());
        assertThat(take(SHOP, issued.digest())).isEmpty();
    }

    @Test
    void answersNothingForADigestNeverStored() {
        stored(SHOP, TTL);

        assertThat(take(SHOP, ProgressTicket.digestOf("cdt_never-issued"))).isEmpty();
    }

    @Test
    void keepsATicketToItsOwnProject() {
        ProgressTicket.Issued issued = stored(SHOP, TTL);

        assertThat(take(BLOG, issued.digest())).isEmpty();
        assertThat(take(SHOP, issued.digest())).contains(issued.ticket());
    }

    @Test
    void forgetsATicketOnceItsTimeHasPassed() {
        Duration ttl = Duration.ofMillis(300);
        ProgressTicket.Issued expiring = stored(SHOP, ttl);
        ProgressTicket.Issued lasting = stored(SHOP, TTL);

        letTimePass(ttl.plusMillis(5));

        assertThat(take(SHOP, expiring.digest())).isEmpty();
        assertThat(take(SHOP, lasting.digest())).contains(lasting.ticket());
    }

    @Test
    void letsExactlyOneOfManyConcurrentTakesHaveTheTicket() throws Exception {
        ProgressTicket.Issued issued = stored(SHOP, TTL);
        int takers = 32;
        ExecutorService pool = Executors.newFixedThreadPool(takers);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Optional<ProgressTicket>>> results = new ArrayList<>();
            for (int i = 0; i < takers; i++) {
                results.add(pool.submit(() -> {
                    go.await();
                    return take(SHOP, issued.digest());
                }));
            }
            go.countDown();
            int had = 0;
            for (Future<Optional<ProgressTicket>> result : results) {
                had += result.get(10, TimeUnit.SECONDS).isPresent() ? 1 : 0;
            }
            assertThat(had).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
    }
}
