package application;

import domain.access.ApiKey;
import domain.access.ApiKeyRepository;
import domain.access.BootstrapKey;
import domain.access.Principal;
import domain.access.Scope;
import domain.session.SessionPage;
import domain.session.SessionRepository;
import domain.session.StoredSession;
import io.opentelemetry.instrumentation.annotations.WithSpan;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * The use cases of copying the service's credentials to another service: the export of every API key
 * (its secret's digest, never the secret) and every live session (its verifier's digest, never a
 * token), and their import, which makes the same keys and tokens work there. Credentials span
 * projects, so they are the whole service's: both need the scope {@code admin} on every project.
 *
 * <p>The export reads the keys in one call and the sessions a page at a time ({@value #SESSIONS_PAGE}
 * about), each page one guarded store call ({@value Guards#BULK}) made once the caller's key was found
 * to permit it still; its memory does not grow with the number of sessions. At most
 * {@value #MAX_RUNNING} run on an instance at once.
 */
@ApplicationScoped
public class CredentialTransferService {

    private static final Logger AUDIT = Logger.getLogger("audit");
    /** Sessions read per store call, about. */
    static final int SESSIONS_PAGE = 500;
    /** Credential exports running on this instance at once, at most. */
    static final int MAX_RUNNING = 2;
    /** Sessions restored at once. */
    private static final int CONCURRENCY = 16;

    private final ApiKeyRepository keys;
    /** The credential exports running on this instance, each holding a slot until it ends. */
    private final StreamSlots running = new StreamSlots(MAX_RUNNING, n -> new TooManyStreamsException("this instance runs "
            + MAX_RUNNING + " credential exports at once already; export again once one has ended"));
    private final SessionRepository sessions;
    private final CredentialCheck credentials;
    private final Clock clock;

    @Inject
    public CredentialTransferService(ApiKeyRepository keys, SessionRepository sessions, Clock clock) {
        this.keys = keys;
        this.sessions = sessions;
        this.clock = clock;
        this.credentials = new CredentialCheck(keys, sessions, clock);
    }

    /** What a credential export holds, in order: every API key, then every live session. */
    public sealed interface Item {

        /** An API key as stored: its secret's digest, never its secret. */
        record Key(ApiKey key) implements Item {
        }

        /** A live session with its verifier's digest. */
        record Session(StoredSession session) implements Item {
        }

        /** Live sessions left out because their user data cannot be read (changed in the store, or its key gone). */
        record Unreadable(long sessions) implements Item {
        }
    }

    /**
     * Every API key, then every live session. Checks the caller's access at once and reads the keys
     * before it answers, so that a refusal or a store that does not answer is an answer (403, 503) and
     * not a cut stream; the stream fails later if the store stops answering, or ends when the caller's
     * key no longer permits it.
     *
     * @throws AccessDeniedException   unless the caller holds {@code admin} on every project
     * @throws TooManyStreamsException when this instance runs as many credential exports as it may
     */
    public Uni<Multi<Item>> export(Principal caller) {
        authorize(caller);
        Runnable ended = running.acquire(""); // released once: the keys' read failing or cancelled, or the stream ending
        return allKeys()
                .onFailure().invoke(ended)
                .onCancellation().invoke(ended)
                .map(all -> Multi.createBy().concatenating().streams(
                                Multi.createFrom().iterable(all).map(key -> (Item) new Item.Key(key)),
                                sessions(caller))
                        .onTermination().invoke(ended));
    }

    /** Every stored key, expired ones included (they are listed where they are, and stay unusable). */
    @Measured
    @WithSpan("admin.export-keys")
    @Guarded(Guards.BULK)
    Uni<List<ApiKey>> allKeys() {
        return Retries.idempotent(keys::list);
    }

    /** Every live session, a page at a time, each page once the caller's key was found to permit it still. */
    private Multi<Item> sessions(Principal caller) {
        return Multi.createBy().repeating()
                .uni(SessionWalk::new, walk -> permitted(caller)
                        .chain(() -> sessionPage(walk.cursor))
                        .invoke(page -> page.next().ifPresent(next -> walk.cursor = next)))
                .whilst(page -> page.next().isPresent())
                .onItem().transformToIterable(page -> {
                    List<Item> items = new ArrayList<>(page.sessions().size() + 1);
                    page.sessions().forEach(session -> items.add(new Item.Session(session)));
                    if (page.unreadable() > 0) {
                        items.add(new Item.Unreadable(page.unreadable()));
                    }
                    return items;
                });
    }

    /** About {@value #SESSIONS_PAGE} live sessions from {@code cursor} on, in one store call. */
    @Measured
    @WithSpan("admin.export-sessions-page")
    @Guarded(Guards.BULK)
    Uni<SessionPage> sessionPage(String cursor) {
        return Retries.idempotent(() -> sessions.page(cursor, SESSIONS_PAGE));
    }

    private Uni<Void> permitted(Principal caller) {
        return credentials.stillPermitsServiceWide(caller, Scope.ADMIN).map(permits -> {
            if (!permits) {
                throw new AccessDeniedException("the credential no longer permits the export of the service's credentials");
            }
            return null;
        });
    }

    /** Where a walk over the sessions is. */
    private static final class SessionWalk {
        String cursor = "";
    }

    /**
     * Fails unless the caller may export or import credentials: {@code admin} on every project, and
     * {@code sessions} (sessions hold their users' data, and make a user's browser trusted). What the
     * web edge checks before it reads a body, so that a refused caller's file is never read.
     */
    public void authorize(Principal caller) {
        Access.requireServiceWide(caller, Scope.ADMIN);
        Access.require(caller, Scope.SESSIONS);
    }

    /**
     * What an import of credentials did, or would do.
     *
     * @param keyConflicts the names of the first {@value #NAMED_CONFLICTS} keys not imported because this service holds a
     *                     different key of the same name (or the name is the bootstrap key's)
     */
    public record Report(long keysWritten, long keysExisting, long keysExpired, long keyConflicts, List<String> conflictingKeys,
            long sessionsWritten, long sessionsExisting, long sessionsExpired) {

        static final int NAMED_CONFLICTS = 100;

        public Report {
            conflictingKeys = List.copyOf(conflictingKeys);
        }
    }

    /**
     * Stores each key and session this service lacks, as it was where it came from: afterwards the same
     * secrets and tokens work here (a key within the unknown-key memory of an instance that was asked for
     * it before, 5 s by default). What this service holds is never changed: a key of the same name and
     * grants is found existing, one of the same name and other grants (or another secret) is a
     * conflict, kept; a session of the same id is kept. Expired keys and ended sessions are left out.
     * With {@code dryRun}, only reads.
     *
     * @throws AccessDeniedException unless the caller holds {@code admin} on every project
     */
    @Measured
    @WithSpan("admin.import-credentials")
    public Uni<Report> restore(Principal caller, List<ApiKey> imported, List<StoredSession> importedSessions, boolean dryRun) {
        return Uni.createFrom().deferred(() -> {
            authorize(caller);
            // No key may mint a more powerful one (as ApiKeyService.create): a file's key grants at most what the caller holds.
            imported.stream().filter(key -> !caller.mayGrant(key.projects(), key.scopes())).findFirst().ifPresent(key -> {
                throw new AccessDeniedException("the file's API key " + key.name() + " grants projects or scopes this key does not "
                        + "hold itself; nothing was imported");
            });
            Tally tally = new Tally();
            return Multi.createFrom().iterable(imported)
                    .onItem().transformToUniAndConcatenate(key -> restore(key, dryRun).invoke(outcome -> tally.key(key, outcome)))
                    .collect().last()
                    .chain(() -> Multi.createFrom().iterable(importedSessions)
                            .onItem().transformToUni(session -> restore(session, dryRun)).merge(CONCURRENCY)
                            .invoke(tally::session)
                            .collect().last())
                    .map(last -> tally.report())
                    .invoke(report -> AUDIT.infof("credentials %s actor=%s keys=%d existing=%d conflicts=%d sessions=%d existing=%d",
                            dryRun ? "import-checked" : "imported", caller.name(), report.keysWritten(), report.keysExisting(),
                            report.keyConflicts(), report.sessionsWritten(), report.sessionsExisting()));
        });
    }

    /** What became of one key or session. */
    enum Outcome { WRITTEN, EXISTING, EXPIRED, CONFLICT }

    @Guarded(Guards.BULK)
    Uni<Outcome> restore(ApiKey key, boolean dryRun) {
        if (key.expiredAt(clock.instant())) {
            return Uni.createFrom().item(Outcome.EXPIRED);
        }
        if (key.name().value().equals(BootstrapKey.NAME)) {
            return Uni.createFrom().item(Outcome.CONFLICT);
        }
        // A digest names one key: a key of another name with this secret is a conflict, never overwritten.
        Uni<Boolean> stored = dryRun
                ? Uni.combine().all().unis(keys.findByName(key.name()), keys.findByDigest(key.secretDigest()))
                        .with((byName, byDigest) -> byName.isEmpty() && byDigest.isEmpty())
                : keys.create(key);
        return stored.chain(written -> written
                ? Uni.createFrom().item(Outcome.WRITTEN)
                : keys.findByName(key.name()).map(held -> held.filter(h -> same(h, key)).isPresent() ? Outcome.EXISTING : Outcome.CONFLICT));
    }

    /** The same key: the same secret, grants and expiry (its creation aside). */
    private static boolean same(ApiKey held, ApiKey imported) {
        return domain.Secrets.sameDigest(held.secretDigest(), imported.secretDigest()) && held.projects().equals(imported.projects())
                && held.scopes().equals(imported.scopes()) && Objects.equals(held.expiresAt(), imported.expiresAt());
    }

    @Guarded(Guards.BULK)
    Uni<Outcome> restore(StoredSession stored, boolean dryRun) {
        Instant now = clock.instant();
        if (!stored.session().isActiveAt(now)) {
            return Uni.createFrom().item(Outcome.EXPIRED);
        }
        if (dryRun) {
            return sessions.find(stored.session().id()).map(held -> held.isPresent() ? Outcome.EXISTING : Outcome.WRITTEN);
        }
        return sessions.restore(stored).map(written -> written ? Outcome.WRITTEN
                : stored.session().isActiveAt(clock.instant()) ? Outcome.EXISTING : Outcome.EXPIRED);
    }

    /** The counts of an import; keys are restored one after another, sessions on several threads. */
    private static final class Tally {
        long keysWritten;
        long keysExisting;
        long keysExpired;
        long keyConflicts;
        final List<String> conflicting = new ArrayList<>();
        long sessionsWritten;
        long sessionsExisting;
        long sessionsExpired;

        void key(ApiKey key, Outcome outcome) {
            switch (outcome) {
                case WRITTEN -> keysWritten++;
                case EXISTING -> keysExisting++;
                case EXPIRED -> keysExpired++;
                case CONFLICT -> {
                    keyConflicts++;
                    if (conflicting.size() < Report.NAMED_CONFLICTS) {
                        conflicting.add(key.name().value());
                    }
                }
            }
        }

        synchronized void session(Outcome outcome) {
            switch (outcome) {
                case WRITTEN -> sessionsWritten++;
                case EXISTING, CONFLICT -> sessionsExisting++;
                case EXPIRED -> sessionsExpired++;
            }
        }

        synchronized Report report() {
            return new Report(keysWritten, keysExisting, keysExpired, keyConflicts, conflicting, sessionsWritten, sessionsExisting,
                    sessionsExpired);
        }
    }
}
