package application;

import domain.InvalidValueException;
import domain.access.ApiKeyRepository;
import domain.access.Credential;
import domain.access.Principal;
import domain.access.ProjectAccess;
import domain.access.Revocations;
import domain.access.Scope;
import domain.progress.Progress;
import domain.progress.ProgressChange;
import domain.progress.ProgressId;
import domain.progress.ProgressPage;
import domain.progress.ProgressPolicy;
import domain.progress.ProgressRepository;
import domain.progress.ProgressStatus;
import domain.progress.ProgressTicket;
import domain.progress.ProgressTickets;
import domain.progress.RecordOutcome;
import domain.progress.StreamItem;
import domain.project.ProjectId;
import domain.session.SessionRepository;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.instrumentation.annotations.SpanAttribute;
import io.opentelemetry.instrumentation.annotations.WithSpan;
import io.quarkus.runtime.ShutdownDelayInitiatedEvent;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.Startup;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.Executor;
import org.jboss.logging.Logger;

/**
 * The progress use cases. With an API key of scope {@code progress}: start an operation, record its
 * steps, complete or fail it. With {@code progress} or {@code progress:read} (which a session's
 * browser principal and a stream ticket hold): read it, list a project's operations, follow one's
 * events, and issue a ticket to follow it.
 *
 * <p>Stalls are found lazily, with no global scan: whoever reads a running operation that has been
 * silent for the stall timeout records the stall (if no update came meanwhile), and every open
 * stream checks on its heartbeat.
 *
 * <p>An open stream ends, within moments and on every instance, when its principal's credential is
 * revoked or no longer permits it: the API key (also the one that asked for a ticket), the session
 * (deleted, logged out, revoked with all of its user's, evicted), or the session's access to the
 * project. Revocation notices end it at once; every heartbeat checks the credential as well.
 *
 * <p>Every store call is bounded by the guard {@value Guards#PROGRESS} (the store budget and the
 * progress circuit breaker); a store that cannot answer gives 503. Reads are idempotent and tried
 * once more after a store failure; recording is never retried: a retried step could count twice.
 */
@Singleton
public class ProgressService {

    private static final Logger AUDIT = Logger.getLogger("audit");

    private final ProgressRepository progress;
    private final ProgressTickets tickets;
    private final ProgressPolicy policy;
    private final ProgressSettings settings;
    private final Clock clock;
    private final StreamSlots slots;
    private final CredentialCheck credentials;
    private final OpenStreams open;
    private final ProgressFeeds feeds;
    /** A step's instrumentation and guard, by plain calls: it runs on every step a worker reports. */
    private final HotPath stepping;

    @Inject
    public ProgressService(ProgressRepository progress, ProgressTickets tickets, ProgressPolicy policy, ProgressSettings settings,
            Clock clock, MeterRegistry meters, ApiKeyRepository keys, SessionRepository sessions, Revocations revocations,
            HotPaths paths, @Identifier(Guards.PROGRESS) StoreGuard guard, RequestContexts contexts) {
        this(progress, tickets, policy, settings, clock, meters, keys, sessions, revocations, paths.of("progress.step", guard),
                contexts);
    }

    /** Outside the container: a step has no span and no guard. */
    public ProgressService(ProgressRepository progress, ProgressTickets tickets, ProgressPolicy policy, ProgressSettings settings,
            Clock clock, MeterRegistry meters, ApiKeyRepository keys, SessionRepository sessions, Revocations revocations) {
        this(progress, tickets, policy, settings, clock, meters, keys, sessions, revocations,
                new HotPath("progress.step", null, null, meters, null), RequestContexts.NONE);
    }

    private ProgressService(ProgressRepository progress, ProgressTickets tickets, ProgressPolicy policy, ProgressSettings settings,
            Clock clock, MeterRegistry meters, ApiKeyRepository keys, SessionRepository sessions, Revocations revocations,
            HotPath stepping, RequestContexts contexts) {
        this.stepping = stepping;
        this.progress = progress;
        this.tickets = tickets;
        this.policy = policy;
        this.settings = settings;
        this.clock = clock;
        this.slots = new StreamSlots(settings.maxStreamsPerPrincipal());
        this.credentials = new CredentialCheck(keys, sessions, clock);
        this.open = new OpenStreams(credentials, settings.streamStoreTimeout());
        this.feeds = new ProgressFeeds(progress, (project, id) -> Retries.idempotent(() -> progress.find(project, id)), clock,
                settings.heartbeat(), policy.ttl(), contexts);
        revocations.listen(open);
        Gauge.builder("progress.streams.open", slots, StreamSlots::open)
                .description("Event streams open on this instance")
                .register(meters);
    }

    /** Creates the service at startup rather than on first use, so that it hears revocation notices before its first stream. */
    void createdAtStartup(@Observes Startup startup) {
    }

    /** Starts an operation at step 0 under the given id, or a generated one; 409 when the id is in use. */
    @Measured
    @WithSpan("progress.start")
    @Guarded(Guards.PROGRESS)
    public Uni<Progress> start(Principal caller, @SpanAttribute(Outcomes.PROJECT) ProjectId project, Optional<ProgressId> id,
            long totalSteps, String message) {
        return Uni.createFrom().deferred(() -> {
            Access.require(caller, project, Scope.PROGRESS);
            if (id.isPresent() && id.get().isTaskOwned()) {
                throw new InvalidValueException("correlationId", "correlationId may not start with '" + ProgressId.TASK_PREFIX
                        + "': those ids name the progress of tasks");
            }
            Progress started = policy.start(project, id.orElseGet(ProgressId::generate), totalSteps, message, clock.instant());
            return progress.start(started).map(stored -> {
                if (!stored) {
                    throw new ConflictException("an operation with correlationId " + started.id() + " exists in project "
                            + project + "; pick another id, or wait until it expires");
                }
                return started;
            });
        });
    }

    /**
     * Records {@code increment} more steps done; past the total the step stays at the total. Span
     * {@code progress.step}, guard {@value Guards#PROGRESS}, by its {@link HotPath}.
     */
    public Uni<Progress> step(Principal caller, ProjectId project, ProgressId id, long increment, String message) {
        return stepping.call(project, () -> record(caller, project, id, new ProgressChange.Step(increment, policy.message(message))), null);
    }

    /** Ends the operation as completed, at its total. */
    @Measured
    @WithSpan("progress.complete")
    @Guarded(Guards.PROGRESS)
    public Uni<Progress> complete(Principal caller, @SpanAttribute(Outcomes.PROJECT) ProjectId project, ProgressId id, String message) {
        return Uni.createFrom().deferred(() -> record(caller, project, id, new ProgressChange.Complete(policy.message(message))));
    }

    /** Ends the operation as failed with {@code error}. */
    @Measured
    @WithSpan("progress.fail")
    @Guarded(Guards.PROGRESS)
    public Uni<Progress> fail(Principal caller, @SpanAttribute(Outcomes.PROJECT) ProjectId project, ProgressId id, String error) {
        return Uni.createFrom().deferred(() -> record(caller, project, id, new ProgressChange.Fail(policy.error(error))));
    }

    private Uni<Progress> record(Principal caller, ProjectId project, ProgressId id, ProgressChange change) {
        Access.require(caller, project, Scope.PROGRESS);
        return progress.record(project, id, change).map(outcome -> {
            if (outcome instanceof RecordOutcome.AlreadyEnded ended) {
                throw new ConflictException("operation " + id + " has ended (" + ended.progress().status()
                        + "); it takes no more changes");
            }
            return stateAfter(outcome).orElseThrow(() -> noSuchOperation(project, id));
        });
    }

    /** The operation's state; a running one silent for the stall timeout is recorded as stalled first. */
    @Measured
    @WithSpan("progress.read")
    @Guarded(Guards.PROGRESS)
    public Uni<Progress> find(Principal caller, @SpanAttribute(Outcomes.PROJECT) ProjectId project, ProgressId id) {
        return Uni.createFrom().deferred(() -> {
            Access.require(caller, project, Scope.PROGRESS_READ);
            return Retries.idempotent(() -> progress.find(project, id))
                    .chain(found -> found.map(this::stallIfSilent).orElseGet(() -> Uni.createFrom().failure(noSuchOperation(project, id))));
        });
    }

    /**
     * Up to {@code limit} of the project's operations after {@code after}, in id order, those with
     * {@code status} only when given. With a status, a page may hold fewer than {@code limit}
     * operations and still have a next one.
     */
    @Measured
    @WithSpan("progress.list")
    @Guarded(Guards.PROGRESS)
    public Uni<ProgressPage> list(Principal caller, @SpanAttribute(Outcomes.PROJECT) ProjectId project, Optional<ProgressStatus> status,
            Optional<ProgressId> after, int limit) {
        return Uni.createFrom().deferred(() -> {
            Access.require(caller, project, Scope.PROGRESS_READ);
            return Retries.idempotent(() -> progress.list(project, after, limit)).chain(page -> {
                if (page.items().isEmpty()) {
                    return Uni.createFrom().item(page);
                }
                List<Uni<Progress>> current = page.items().stream().map(this::stallIfSilent).toList();
                return Uni.join().all(current).andFailFast().map(items -> new ProgressPage(
                        items.stream().filter(p -> status.isEmpty() || p.status() == status.get()).toList(), page.next()));
            });
        });
    }

    /** {@link #follow(Principal, ProjectId, ProgressId, OptionalLong, Executor, Optional)}, delivering live events on the thread that receives them. */
    public Uni<Multi<StreamItem>> follow(Principal caller, ProjectId project, ProgressId id, OptionalLong lastSeen) {
        return follow(caller, project, id, lastSeen, Runnable::run);
    }

    /** {@link #follow(Principal, ProjectId, ProgressId, OptionalLong, Executor, Optional)} without a ticket. */
    public Uni<Multi<StreamItem>> follow(Principal caller, ProjectId project, ProgressId id, OptionalLong lastSeen, Executor deliverOn) {
        return follow(caller, project, id, lastSeen, deliverOn, Optional.empty());
    }

    /**
     * The event stream of an operation for a follower that saw its events up to {@code lastSeen}
     * (none when empty). Fails with {@link NoSuchObjectException} for an unknown operation,
     * {@link StreamEndedException} when the follower saw the terminal event already, and
     * {@link TooManyStreamsException} when the caller holds all its streams. The stream holds one
     * of the caller's slots until it ends or is cancelled.
     *
     * <p>Followers of one operation on this instance share one feed ({@link ProgressFeeds}): a new
     * follower usually costs the store nothing, and each live event reaches the followers as one
     * shared item, in one task per {@code deliverOn} (pass the follower's event loop, so that the
     * followers of a loop are served in one turn of it, where their connections are written).
     *
     * <p>With a {@code ticket} opening, the stream is the ticket's: a ticket holds at most one open
     * stream, the one of its latest opening. A later opening ends this stream, at once on this
     * instance and at the stream's next heartbeat on another one.
     */
    @Measured
    @WithSpan("progress.follow")
    @Guarded(Guards.PROGRESS)
    public Uni<Multi<StreamItem>> follow(Principal caller, @SpanAttribute(Outcomes.PROJECT) ProjectId project, ProgressId id,
            OptionalLong lastSeen, Executor deliverOn, Optional<ProgressTicket.Opening> ticket) {
        return Uni.createFrom().deferred(() -> {
            Access.require(caller, project, Scope.PROGRESS_READ);
            Runnable slot = slots.acquire(caller.name());
            // Registered before anything is read: a revocation that comes while the stream opens ends it too.
            OpenStreams.Stream registered = open.register(caller, project, ticket);
            Runnable release = () -> {
                open.remove(registered);
                slot.run();
            };
            // Join first, then read: whatever is recorded in between is in both, and merged once.
            return feeds.join(project, id, deliverOn)
                    .chain(member -> opened(member, id, lastSeen)
                            .chain(state -> {
                                ProgressFollower follower = new ProgressFollower(progress, member::eventsAfter, state, clock, policy.stallAfter(), settings.streamStoreTimeout(),
                                        this::refresh, () -> stillPermits(caller, project, ticket));
                                registered.attach(follower::revoke);
                                return follower.stream(member.live(), lastSeen, settings.heartbeat(), settings.reconnectDelay());
                            })
                            // Not streamed after all (failed, or given up by the guard): leave the feed.
                            .onFailure().invoke(member::leave)
                            .onCancellation().invoke(member::leave))
                    .map(stream -> stream.onTermination().invoke(release))
                    .onFailure().invoke(release)
                    .onCancellation().invoke(release);
        });
    }

    /**
     * At the start of a shutdown (SIGTERM, before {@code quarkus.shutdown.delay}): every event stream ends, and any
     * opened meanwhile ends at once, so that browsers reconnect to an instance that stays and no stream holds the
     * shutdown's wait for requests in flight ({@code quarkus.shutdown.timeout}).
     */
    void endStreamsAtShutdown(@Observes ShutdownDelayInitiatedEvent shutdown) {
        open.drain();
    }

    /** The stream's credential still permits it, and, for a ticket's stream, no later opening of the ticket superseded it. */
    private Uni<Boolean> stillPermits(Principal caller, ProjectId project, Optional<ProgressTicket.Opening> ticket) {
        Uni<Boolean> permitted = credentials.stillPermits(caller, project, Scope.PROGRESS_READ);
        if (ticket.isEmpty()) {
            return permitted;
        }
        ProgressTicket.Opening opening = ticket.get();
        // An expired ticket does not end the stream it opened; it only opens no more.
        return permitted.chain(yes -> !yes ? Uni.createFrom().item(false)
                : Retries.idempotent(() -> tickets.latestOpening(project, opening.digest()))
                        .map(latest -> latest.isEmpty() || !opening.supersededBy(latest.getAsLong())));
    }

    private Uni<Progress> opened(ProgressFeeds.Member member, ProgressId id, OptionalLong lastSeen) {
        return member.state().chain(found -> {
            if (found.isEmpty()) {
                return Uni.createFrom().failure(noSuchOperation(member.project(), id));
            }
            return stallIfSilent(found.get()).invoke(state -> {
                if (state.status().isTerminal() && lastSeen.isPresent() && lastSeen.getAsLong() >= state.lastSequence()) {
                    throw new StreamEndedException("operation " + id + " has ended and its last event was seen");
                }
            });
        });
    }

    /**
     * A single-use ticket to open the operation's event stream without headers, valid for the
     * configured time; the secret is in the result, once, and only its digest is stored.
     */
    @Measured
    @WithSpan("progress.ticket")
    @Guarded(Guards.PROGRESS)
    public Uni<ProgressTicket.Issued> issueTicket(Principal caller, @SpanAttribute(Outcomes.PROJECT) ProjectId project, ProgressId id) {
        return Uni.createFrom().deferred(() -> {
            Access.require(caller, project, Scope.PROGRESS_READ);
            return progress.find(project, id).chain(found -> {
                if (found.isEmpty()) {
                    return Uni.createFrom().failure(noSuchOperation(project, id));
                }
                ProgressTicket.Issued issued = ProgressTicket.issue(project, id, caller.name());
                return tickets.store(issued.digest(), issued.ticket(), settings.ticketTtl()).replaceWith(issued);
            });
        });
    }

    /** A ticket's admission to its stream: the principal it stands for, and which opening of the ticket this is. */
    public record TicketAdmission(Principal principal, ProgressTicket.Opening opening) {
    }

    /**
     * Opens a presented ticket for the stream of operation {@code id}: the principal it stands for
     * (reading that one operation), with the opening's number. A ticket opens its stream again and
     * again, to resume it, for as long as it lives: {@link #ticketTtl()} from its issue until its
     * first opening, then the progress time to live from its latest opening. Empty when the ticket
     * is malformed, unknown, expired, for another operation or project, or when the key that asked
     * for it no longer permits reading the project.
     */
    @Measured
    @WithSpan("progress.redeem-ticket")
    @Guarded(Guards.PROGRESS)
    public Uni<Optional<TicketAdmission>> redeemTicket(@SpanAttribute(Outcomes.PROJECT) ProjectId project, ProgressId id,
            String presented) {
        if (!ProgressTicket.looksLikeOne(presented)) {
            return Uni.createFrom().item(Optional.empty());
        }
        String digest = ProgressTicket.digestOf(presented);
        Duration keepFor = settings.ticketTtl().compareTo(policy.ttl()) > 0 ? settings.ticketTtl() : policy.ttl();
        return tickets.open(project, id, digest, keepFor).chain(opened -> {
            if (opened.isEmpty()) {
                AUDIT.infof("progress ticket rejected project=%s operation=%s", project, id);
                return Uni.createFrom().item(Optional.<TicketAdmission>empty());
            }
            ProgressTicket.Opening opening = opened.get();
            // Each ticket is its own principal, so stream limits count the browser, not the backend that asked; its
            // name is a valid rate limit identifier, for the policy api counts its openings.
            // It stands on the credential of whoever asked for it: revoking that key ends its streams, and refuses its tickets.
            Principal principal = new Principal("ticket:" + digest.substring(0, 12) + "@" + opening.ticket().issuedTo(),
                    ProjectAccess.only(Set.of(project)), Set.of(Scope.PROGRESS_READ), Credential.ofIssuer(opening.ticket().issuedTo()));
            return credentials.stillPermits(principal, project, Scope.PROGRESS_READ).map(permitted -> {
                if (!permitted) {
                    AUDIT.infof("progress ticket refused, its issuer may no longer read project=%s operation=%s", project, id);
                    return Optional.<TicketAdmission>empty();
                }
                return Optional.of(new TicketAdmission(principal, opening));
            });
        });
    }

    /** How long an issued ticket stays valid. */
    public Duration ticketTtl() {
        return settings.ticketTtl();
    }

    /** The state after recording a stall that is due; empty once the operation expired. */
    private Uni<Optional<Progress>> refresh(Progress known) {
        return progress.find(known.project(), known.id())
                .chain(found -> found.isEmpty() ? Uni.createFrom().item(Optional.<Progress>empty()) : stallIfSilent(found.get()).map(Optional::of));
    }

    private Uni<Progress> stallIfSilent(Progress state) {
        return policy.stallOf(state, clock.instant())
                .map(stall -> progress.record(state.project(), state.id(), stall).map(outcome -> stateAfter(outcome).orElse(state)))
                .orElseGet(() -> Uni.createFrom().item(state));
    }

    /** The operation's state an outcome reports; empty for an unknown operation. */
    private static Optional<Progress> stateAfter(RecordOutcome outcome) {
        if (outcome instanceof RecordOutcome.Recorded recorded) {
            return Optional.of(recorded.progress());
        }
        if (outcome instanceof RecordOutcome.StillActive active) {
            return Optional.of(active.progress());
        }
        if (outcome instanceof RecordOutcome.AlreadyEnded ended) {
            return Optional.of(ended.progress());
        }
        return Optional.empty();
    }

    private static NoSuchObjectException noSuchOperation(ProjectId project, ProgressId id) {
        return new NoSuchObjectException("no operation " + id + " in project " + project);
    }
}
