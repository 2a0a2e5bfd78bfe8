package infrastructure.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import contract.SessionRepositoryContract;
import domain.session.SessionPolicy;
import domain.session.SessionRepository;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import support.EmbeddedDatabases;
import support.MutableClock;

/** The embedded session store against the contract, plus what only it has: a file that outlives the process. */
class EmbeddedSessionRepositoryTest extends SessionRepositoryContract {

    private EmbeddedDatabase db;

    @Override
    protected SessionRepository newRepository(MutableClock clock) {
        db = EmbeddedDatabases.fresh();
        return new EmbeddedSessionRepository(db, clock);
    }

    @AfterEach
    void closeDatabase() {
        db.close();
    }

    private long rows() {
        return EmbeddedDatabases.rows(db, "sessions");
    }

    @Test
    void keepsSessionsAcrossAReopeningAndNeverTheToken() throws Exception {
        SessionPolicy.Opened opened = createdSessionOf(ADA);
        clock.advance(Duration.ofSeconds(10));
        open(opened);
        Path directory = db.directory();
        db.close();

        db = EmbeddedDatabases.open(directory, EmbeddedDatabases.DEFAULT_MAX_BYTES);
        sessions = new EmbeddedSessionRepository(db, clock);

        assertThat(peek(opened)).contains(opened.session().touchedAt(clock.instant()));
        assertThat(idsOfSessionsOf(ADA)).containsExactly(idOf(opened));
        String token = opened.token().reveal();
        String file = new String(Files.readAllBytes(directory.resolve(EmbeddedDatabase.FILE)), StandardCharsets.ISO_8859_1);
        assertThat(file).contains(opened.token().verifierDigest())
                .doesNotContain(token).doesNotContain(token.substring(token.indexOf('.') + 1));
    }

    @Test
    void sweepsExpiredSessionsOutOfTheTable() {
        for (int i = 0; i < 1_200; i++) {
            createdSessionOf(i % 2 == 0 ? ADA : BOB, Duration.ofSeconds(1), Duration.ofHours(1));
        }
        SessionPolicy.Opened stays = createdSessionOf(CAROL);
        assertThat(rows()).isEqualTo(1_201);
        clock.advance(Duration.ofSeconds(1));

        db.sweepNow();

        assertThat(rows()).isEqualTo(1);
        assertThat(open(stays)).isPresent();
    }
}
