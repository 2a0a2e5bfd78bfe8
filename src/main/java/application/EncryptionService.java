package application;

import domain.access.Principal;
import domain.access.Scope;
import domain.cache.CacheKey;
import domain.cache.CacheRepository;
import domain.cache.PageSize;
import domain.cache.ResealPage;
import domain.encryption.KeyRotation;
import domain.encryption.KeysetOwner;
import domain.session.SessionPolicy;
import domain.encryption.KeysetInfo;
import domain.encryption.ProjectKeys;
import domain.progress.Progress;
import domain.progress.ProgressChange;
import domain.progress.ProgressId;
import domain.progress.ProgressPolicy;
import domain.progress.ProgressRepository;
import domain.project.ProjectId;
import io.opentelemetry.instrumentation.annotations.SpanAttribute;
import io.opentelemetry.instrumentation.annotations.WithSpan;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * The use cases of the projects' encryption keys. Each needs the scope {@code admin} on the project:
 * they change what can be read of all of its data, not only of its cache.
 *
 * <p>A rotation makes a new key primary, waits until every instance encrypts under it (the keys'
 * propagation), re-encrypts the project's stored values under it in pages of {@value #PAGE} while
 * reads and writes go on, then disables the older keys. Its progress is a progress operation of the
 * project ({@code key-rotation-<key id>}), so a client follows it live over SSE. An unfinished
 * rotation (the service stopped during it) is resumed when the service starts.
 */
@ApplicationScoped
public class EncryptionService {

    private static final Logger LOG = Logger.getLogger(EncryptionService.class);
    /** Entries re-encrypted per store call: bounded work for the store between other requests. */
    static final int PAGE = 200;
    /** The longest one page may take before the rotation stops (to be resumed at the next start). */
    private static final Duration PAGE_TIMEOUT = Duration.ofSeconds(30);
    /** How long a rotation's progress operation is kept at least: long enough to follow a large project's. */
    private static final Duration PROGRESS_KEPT = Duration.ofHours(6);

    private final ProjectKeys keys;
    private final CacheRepository cache;
    private final ProgressRepository progress;
    private final ProgressPolicy progressPolicy;
    private final Clock clock;
    /** The longest a session lives: how long a key that encrypted sessions' user data may still be needed. */
    private final Duration sessionLifetime;
    /** The sessions' rotations whose end this instance waits for, by their primary key: one wait each. */
    private final Set<Integer> awaitingSessionsEnd = ConcurrentHashMap.newKeySet();
    /** Rotations this instance is walking now, by project: one walk per project at a time. */
    private final Set<ProjectId> walking = ConcurrentHashMap.newKeySet();

    @Inject
    public EncryptionService(ProjectKeys keys, CacheRepository cache, ProgressRepository progress, ProgressPolicy progressPolicy,
            SessionPolicy sessions, Clock clock) {
        this.sessionLifetime = sessions.maxAbsoluteTimeout();
        this.keys = keys;
        this.cache = cache;
        this.progress = progress;
        this.progressPolicy = progressPolicy;
        this.clock = clock;
    }

    /** A rotation begun: its new primary key and the progress operation that reports it. */
    public record RotationStarted(KeyRotation rotation, ProgressId progressId) {
    }

    /**
     * Makes a new key primary and starts re-encrypting the project's values under it, in the
     * background; answers once the key is primary and the progress operation exists.
     */
    @Measured
    @WithSpan("admin.rotate")
    @Guarded(Guards.BULK)
    public Uni<RotationStarted> rotate(Principal caller, @SpanAttribute(Outcomes.PROJECT) ProjectId project) {
        return Uni.createFrom().deferred(() -> {
            Access.require(caller, project, Scope.ADMIN);
            if (!keys.available()) {
                throw new ConflictException("no key-encryption key is configured (CACHE_DOMAIN_VALUES_ENCRYPTION_KEY): "
                        + "there are no keys to rotate");
            }
            return latestRotation(project).chain(latest -> {
                if (latest.isPresent() && !latest.get().finished()) {
                    // One rotation at a time: a second would leave the first's walk to disable nothing. Its walk
                    // goes on here if no walk of this instance runs it (the one that ran it may have stopped).
                    resume(latest.get());
                    throw new ConflictException("the rotation to key " + Integer.toUnsignedString(latest.get().primaryKeyId())
                            + " is unfinished; follow the progress operation " + progressIdOf(latest.get()).value()
                            + " and rotate again once it completed");
                }
                return keys.rotate(KeysetOwner.of(project)).chain(rotation -> {
                    ProgressId id = progressIdOf(rotation);
                    return startProgress(rotation, id).invoke(total -> walkInBackground(rotation, id, total, keys.propagation()))
                            .map(total -> new RotationStarted(rotation, id));
                });
            });
        });
    }

    /** The project's keys (ids and states, never material) and its latest rotation. */
    @Measured
    @WithSpan("admin.keys")
    @Guarded(Guards.CACHE)
    public Uni<KeysView> describe(Principal caller, @SpanAttribute(Outcomes.PROJECT) ProjectId project) {
        return Uni.createFrom().deferred(() -> {
            Access.require(caller, project, Scope.ADMIN);
            return Uni.combine().all().unis(keys.describe(KeysetOwner.of(project)), latestRotation(project)).asTuple()
                    .map(both -> new KeysView(both.getItem1(), both.getItem2()));
        });
    }

    /** What {@link #describe} answers. */
    public record KeysView(Optional<KeysetInfo> keyset, Optional<KeyRotation> lastRotation) {
    }

    /**
     * Destroys the project's keyset (crypto-shredding): every value encrypted under it, wherever a
     * copy of it is left (a replica, a backup), can never be read again. A project that has none
     * loses nothing; the next value it encrypts gets a new keyset. Answers whether there was one.
     */
    @Measured
    @WithSpan("admin.shred")
    @Guarded(Guards.BULK)
    public Uni<Boolean> shred(Principal caller, @SpanAttribute(Outcomes.PROJECT) ProjectId project) {
        return Uni.createFrom().deferred(() -> {
            Access.require(caller, project, Scope.ADMIN);
            return keys.shred(KeysetOwner.of(project)).invoke(destroyed -> {
                if (destroyed) {
                    LOG.infof("project %s: keyset destroyed; what it encrypted can no longer be read", project.value());
                }
            });
        });
    }

    /** A rotation of the sessions' keys begun, and when it disables the older keys. */
    public record SessionsRotationStarted(KeyRotation rotation, Instant retiresOlderKeysAt) {
    }

    /**
     * Makes a new key primary for the sessions' user data. Sessions are not re-encrypted: each lives
     * at most the longest session lifetime, so the older keys are disabled once every session written
     * under them has ended (the rotation's start, plus the keys' propagation, plus that lifetime).
     * Needs the scope {@code admin} on every project: the sessions belong to the whole service. A
     * rotation begun before it ends sooner, so another may begin at any time.
     */
    @Measured
    @WithSpan("admin.rotate-sessions")
    @Guarded(Guards.BULK)
    public Uni<SessionsRotationStarted> rotateSessions(Principal caller) {
        return Uni.createFrom().deferred(() -> {
            Access.requireServiceWide(caller, Scope.ADMIN);
            if (!keys.available()) {
                throw new ConflictException("no key-encryption key is configured (CACHE_DOMAIN_VALUES_ENCRYPTION_KEY): "
                        + "there are no keys to rotate");
            }
            return keys.rotate(KeysetOwner.SESSIONS).invoke(this::retireWhenSessionsEnded)
                    .map(rotation -> new SessionsRotationStarted(rotation, sessionsEndAt(rotation)));
        });
    }

    /** The sessions' keys (ids and states, never material) and their latest rotation; {@code admin} on every project. */
    @Measured
    @WithSpan("admin.sessions-keys")
    @Guarded(Guards.CACHE)
    public Uni<KeysView> describeSessions(Principal caller) {
        return Uni.createFrom().deferred(() -> {
            Access.requireServiceWide(caller, Scope.ADMIN);
            return Uni.combine().all().unis(keys.describe(KeysetOwner.SESSIONS), latestRotation(KeysetOwner.SESSIONS)).asTuple()
                    .map(both -> new KeysView(both.getItem1(), both.getItem2()));
        });
    }

    /** When the last session that may hold user data under a key older than the rotation's has ended. */
    public Instant sessionsEndAt(KeyRotation rotation) {
        return rotation.startedAt().plus(keys.propagation()).plus(sessionLifetime);
    }

    /**
     * Disables the sessions' older keys once every session under them has ended, in the background.
     * The wait of a rotation that a newer one followed ends doing nothing (its key is no longer
     * primary); the newer one's disables every older key. Stopped with the service, it is taken up
     * again at the next start.
     */
    private void retireWhenSessionsEnded(KeyRotation rotation) {
        if (!awaitingSessionsEnd.add(rotation.primaryKeyId())) {
            return;
        }
        Duration left = Duration.between(clock.instant(), sessionsEndAt(rotation));
        Uni.createFrom().voidItem().onItem().delayIt().by(left.isNegative() ? Duration.ZERO : left)
                .chain(() -> keys.retire(KeysetOwner.SESSIONS, rotation.primaryKeyId())
                        // Idempotent: a store that does not answer is asked again, not left for the next start.
                        .onFailure().retry().withBackOff(Duration.ofSeconds(5), Duration.ofMinutes(5)).atMost(100))
                .onTermination().invoke(() -> awaitingSessionsEnd.remove(rotation.primaryKeyId()))
                .subscribe().with(disabled -> {
                            if (!disabled.isEmpty()) {
                                LOG.infof("the sessions: every session under keys older than %s has ended",
                                        Integer.toUnsignedString(rotation.primaryKeyId()));
                            }
                        },
                        failure -> LOG.warnf("the sessions: the older keys could not be disabled (%s); tried again at the "
                                + "next start", failure.toString()));
    }

    /** Resumes, in the background, every rotation the service stopped during. */
    void resumeAtStartup(@Observes StartupEvent started) {
        resumeUnfinished().subscribe().with(n -> {
        }, failure -> LOG.warnf("unfinished key rotations could not be looked up, and resume at the next start: %s",
                failure.toString()));
    }

    /** Resumes every unfinished rotation in the background (what the service does when it starts); answers how many. */
    public Uni<Integer> resumeUnfinished() {
        return keys.rotations().map(all -> {
            int resumed = 0;
            for (KeyRotation rotation : all) {
                if (rotation.finished()) {
                    continue;
                }
                if (rotation.owner().project().isPresent()) {
                    resume(rotation);
                } else {
                    retireWhenSessionsEnded(rotation);
                }
                resumed++;
            }
            return resumed;
        });
    }

    /** Walks an unfinished rotation in the background, unless this instance walks the project already. */
    private void resume(KeyRotation rotation) {
        if (walking.contains(projectOf(rotation))) {
            return;
        }
        LOG.infof("project %s: resuming the rotation to key %s", projectOf(rotation).value(),
                Integer.toUnsignedString(rotation.primaryKeyId()));
        Duration left = Duration.between(clock.instant(), rotation.startedAt().plus(keys.propagation()));
        Duration wait = left.isNegative() ? Duration.ZERO : left;
        ProgressId id = progressIdOf(rotation);
        // The operation may exist already (the walk that stopped started it): then its steps go on there.
        startProgress(rotation, id).subscribe().with(total -> walkInBackground(rotation, id, total, wait),
                failure -> walkInBackground(rotation, id, 1, wait));
    }

    /**
     * Walks the rotation now, in the caller's flow: what {@link #rotate} runs in the background, for
     * tools and tests. Answers the keys disabled at its end.
     */
    Uni<List<Integer>> walk(KeyRotation rotation, ProgressId id, long total, Duration wait) {
        ProjectId project = projectOf(rotation);
        Tally tally = new Tally(total);
        Uni<Void> waited = wait.isZero() ? Uni.createFrom().voidItem() : Uni.createFrom().voidItem().onItem().delayIt().by(wait);
        return waited
                .call(() -> note(project, id, "re-encrypting the stored values under key "
                        + Integer.toUnsignedString(rotation.primaryKeyId())))
                .chain(() -> Multi.createBy().repeating()
                        .uni(() -> tally, t -> cache.reseal(project, t.next, PageSize.of(PAGE)).ifNoItem().after(PAGE_TIMEOUT).fail()
                                .map(page -> new Walked(page, t.add(page))))
                        .whilst(walked -> walked.page.next().isPresent())
                        .onItem().call(walked -> step(project, id, walked.increment, tally))
                        .collect().last())
                .chain(() -> keys.retire(KeysetOwner.of(project), rotation.primaryKeyId()))
                .call(disabled -> record(project, id, new ProgressChange.Complete(tally.summary(rotation, disabled))))
                .invoke(disabled -> LOG.infof("project %s: %s", project.value(), tally.summary(rotation, disabled)));
    }

    private void walkInBackground(KeyRotation rotation, ProgressId id, long total, Duration wait) {
        ProjectId project = projectOf(rotation);
        if (!walking.add(project)) {
            return;
        }
        walk(rotation, id, total, wait)
                .onTermination().invoke(() -> walking.remove(project))
                .subscribe().with(done -> resumeNewer(rotation), failure -> {
                    LOG.warnf("project %s: the rotation to key %s stopped (%s); it resumes at the next start, or when "
                            + "rotated again", project.value(), Integer.toUnsignedString(rotation.primaryKeyId()), failure.toString());
                    record(project, id, new ProgressChange.Fail("stopped: " + failure.getClass().getSimpleName()
                            + "; resumes at the next start")).subscribe().with(x -> {
                            }, f -> {
                            });
                });
    }

    /**
     * After a walk: a rotation of the same project that began meanwhile (another instance's) is walked
     * now, so that it too ends with its older keys disabled.
     */
    private void resumeNewer(KeyRotation walked) {
        latestRotation(projectOf(walked)).subscribe().with(latest -> latest
                        .filter(r -> !r.finished() && r.primaryKeyId() != walked.primaryKeyId())
                        .ifPresent(this::resume),
                failure -> LOG.debugf("project %s: newer rotations not looked up: %s", projectOf(walked).value(), failure.toString()));
    }

    /** Starts the rotation's progress operation, its steps the project's live entries; answers that total. */
    private Uni<Long> startProgress(KeyRotation rotation, ProgressId id) {
        return cache.stats(projectOf(rotation)).map(stats -> Math.max(1, Math.min(stats.entries(), 1_000_000)))
                .call(total -> {
                    Progress operation = progressPolicy.start(projectOf(rotation), id, total, "key "
                            + Integer.toUnsignedString(rotation.primaryKeyId()) + " is primary; waiting until every instance "
                            + "encrypts under it", clock.instant());
                    return progress.start(operation, PROGRESS_KEPT);
                });
    }

    private Uni<Optional<KeyRotation>> latestRotation(ProjectId project) {
        return latestRotation(KeysetOwner.of(project));
    }

    private Uni<Optional<KeyRotation>> latestRotation(KeysetOwner owner) {
        return keys.rotations().map(all -> all.stream().filter(r -> r.owner().equals(owner)).findFirst());
    }

    /** The project a rotation walks: only projects' rotations re-encrypt values (sessions' ones are not walked). */
    private static ProjectId projectOf(KeyRotation rotation) {
        return rotation.owner().project().orElseThrow(() -> new IllegalArgumentException("not a project's rotation"));
    }

    /** Progress is a report: a failure to record it never stops the rotation. */
    private Uni<Void> record(ProjectId project, ProgressId id, ProgressChange change) {
        return progress.record(project, id, change).replaceWithVoid()
                .onFailure().recoverWithItem(failure -> {
                    LOG.debugf("project %s: progress of %s not recorded: %s", project.value(), id.value(), failure.toString());
                    return null;
                });
    }

    private Uni<Void> note(ProjectId project, ProgressId id, String message) {
        return record(project, id, new ProgressChange.Note(message));
    }

    private Uni<Void> step(ProjectId project, ProgressId id, long increment, Tally tally) {
        return increment < 1 ? Uni.createFrom().voidItem()
                : record(project, id, new ProgressChange.Step(increment, tally.resealed + " of " + tally.examined
                        + " values re-encrypted"));
    }

    static ProgressId progressIdOf(KeyRotation rotation) {
        return ProgressId.of("key-rotation-" + Integer.toUnsignedString(rotation.primaryKeyId()));
    }

    /** A page walked, and the steps it adds to the progress. */
    private record Walked(ResealPage page, long increment) {
    }

    /** What a walk has done so far; the next page starts after the last one counted. */
    private static final class Tally {
        final long total;
        long examined;
        long resealed;
        long unreadable;
        long stepped;
        Optional<CacheKey> next = Optional.empty();

        Tally(long total) {
            this.total = total;
        }

        /** Counts a page; answers the steps to report, short of the total (the completion reaches it). */
        long add(ResealPage page) {
            examined += page.examined();
            resealed += page.resealed();
            unreadable += page.unreadable();
            next = page.next();
            long increment = Math.min(page.examined(), total - 1 - stepped);
            stepped += Math.max(0, increment);
            return increment;
        }

        String summary(KeyRotation rotation, List<Integer> disabled) {
            return "key " + Integer.toUnsignedString(rotation.primaryKeyId()) + " is primary; " + resealed + " of " + examined
                    + " values re-encrypted" + (unreadable > 0 ? ", " + unreadable + " unreadable left as they were" : "")
                    + "; keys disabled: " + disabled.stream().map(Integer::toUnsignedString).toList();
        }
    }
}
