package infrastructure.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import contract.ProgressTicketsContract;
import domain.progress.ProgressTicket;
import domain.progress.ProgressTickets;
import io.smallrye.mutiny.Uni;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import support.EmbeddedDatabases;
import support.MutableClock;

/** The embedded ticket store against the contract, plus what a disk adds: tickets kept across a reopening, and swept. */
class EmbeddedProgressTicketsTest extends ProgressTicketsContract {

    private EmbeddedDatabase db;

    @Override
    protected ProgressTickets newStore(MutableClock clock) {
        db = EmbeddedDatabases.fresh();
        return new EmbeddedProgressTickets(db, clock);
    }

    @Override
    protected void letTimePass(Duration duration) {
        clock.advance(duration);
    }

    @AfterEach
    void closeDatabase() {
        db.close();
    }

    private static <T> T await(Uni<T> uni) {
        return uni.await().atMost(Duration.ofSeconds(10));
    }

    private long rows() {
        return EmbeddedDatabases.rows(db, "progress_tickets");
    }

    private ProgressTicket.Issued stored(Duration ttl) {
        ProgressTicket.Issued issued = ProgressTicket.issue(SHOP, IMPORT, "backend");
        await(tickets.store(issued.digest(), issued.ticket(), ttl));
        return issued;
    }

    @Test
    void keepsTicketsAndTheirOpeningsAcrossAReopeningAndNeverTheSecret() throws Exception {
        ProgressTicket.Issued issued = stored(TTL);
        await(tickets.open(SHOP, IMPORT, issued.digest(), TTL));
        Path directory = db.directory();
        db.close();

        db = EmbeddedDatabases.open(directory, EmbeddedDatabases.DEFAULT_MAX_BYTES);
        tickets = new EmbeddedProgressTickets(db, clock);

        assertThat(await(tickets.latestOpening(SHOP, issued.digest()))).hasValue(1);
        assertThat(await(tickets.open(SHOP, IMPORT, issued.digest(), TTL)))
                .contains(new ProgressTicket.Opening(issued.ticket(), issued.digest(), 2));
        assertThat(Files.readAllBytes(directory.resolve(EmbeddedDatabase.FILE)))
                .asString(StandardCharsets.ISO_8859_1).doesNotContain(issued.secret());
    }

    @Test
    void sweepsExpiredTicketsAndKeepsTheLiveOnes() {
        Duration brief = Duration.ofSeconds(1);
        for (int i = 0; i < 600; i++) {
            stored(brief);
        }
        ProgressTicket.Issued opened = stored(brief);
        await(tickets.open(SHOP, IMPORT, opened.digest(), TTL));
        stored(TTL);
        assertThat(rows()).isEqualTo(602);

        clock.advance(brief);
        db.sweepNow();

        assertThat(rows()).as("the opened ticket, kept longer at its opening, and the lasting one").isEqualTo(2);
        assertThat(await(tickets.latestOpening(SHOP, opened.digest()))).hasValue(1);
    }
}
