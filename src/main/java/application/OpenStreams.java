package application;

import domain.access.Credential;
import domain.access.Principal;
import domain.access.Revocation;
import domain.access.Revocations;
import domain.access.Scope;
import domain.progress.ProgressTicket;
import domain.project.ProjectId;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import org.jboss.logging.Logger;

/**
 * The event streams open on this instance, indexed by the credential each stands on, so that a
 * revocation notice ends the streams of the revoked key or session at once.
 *
 * <p>A revoked key or session ends its streams without asking the store (a stream ticket stands
 * on the key that asked for it). A changed session access, the revocation of all of a user's
 * sessions, and notices that may have been missed make the streams concerned check their
 * credential against the store; those it no longer permits end. A check the store cannot answer
 * leaves its stream open: the stream's own heartbeat checks again, and fails the stream if the
 * store stays silent.
 */
final class OpenStreams implements Revocations.Listener {

    private static final Logger LOG = Logger.getLogger(OpenStreams.class);
    private final CredentialCheck credentials;
    /** The longest a check prompted by a notice waits for the store. */
    private final Duration checkTimeout;
    private final ConcurrentHashMap<Credential, Set<Stream>> byCredential = new ConcurrentHashMap<>();
    /** The stream of each ticket's latest opening on this instance, by the ticket's digest. */
    private final ConcurrentHashMap<String, Stream> byTicket = new ConcurrentHashMap<>();
    /** Set once the instance began to shut down: see {@link #drain()}. */
    private volatile boolean draining;

    OpenStreams(CredentialCheck credentials, Duration checkTimeout) {
        this.credentials = credentials;
        this.checkTimeout = checkTimeout;
    }

    /** One open stream: who opened it, on which project, and how to end it. */
    static final class Stream {

        private final Principal principal;
        private final ProjectId project;
        private final Optional<ProgressTicket.Opening> ticket;
        private Runnable end;
        private boolean ended;

        private Stream(Principal principal, ProjectId project, Optional<ProgressTicket.Opening> ticket) {
            this.principal = principal;
            this.project = project;
            this.ticket = ticket;
        }

        private long opening() {
            return ticket.map(ProgressTicket.Opening::number).orElse(0L);
        }

        /** Ends the stream through {@code end} from now on; at once if it was ended before it was attached. */
        void attach(Runnable end) {
            boolean endedBefore;
            synchronized (this) {
                this.end = end;
                endedBefore = ended;
            }
            if (endedBefore) {
                end.run();
            }
        }

        void end() {
            Runnable attached;
            synchronized (this) {
                ended = true;
                attached = end;
            }
            if (attached != null) {
                attached.run();
            }
        }
    }

    /**
     * Registers a stream before it is opened, so that a notice that arrives while it opens is not
     * lost; {@link #remove} it exactly when it ends. A stream opened with a ticket ends the stream of
     * an earlier opening of the same ticket, or, when a later opening is here first, ends itself.
     */
    Stream register(Principal principal, ProjectId project, Optional<ProgressTicket.Opening> ticket) {
        Stream stream = new Stream(principal, project, ticket);
        byCredential.computeIfAbsent(principal.credential(), c -> ConcurrentHashMap.newKeySet()).add(stream);
        if (draining) {
            // This instance is going away: the stream ends as soon as it opened, and its browser reconnects elsewhere.
            stream.end();
        }
        if (ticket.isPresent()) {
            Stream[] superseded = new Stream[1];
            byTicket.merge(ticket.get().digest(), stream, (held, opened) -> {
                boolean newer = opened.opening() > held.opening();
                superseded[0] = newer ? held : opened;
                return newer ? opened : held;
            });
            if (superseded[0] != null) {
                superseded[0].end();
            }
        }
        return stream;
    }

    /**
     * Ends every open stream, and from now on every stream as soon as it opened: the instance is shutting
     * down. Each stream was given its reconnect delay ({@code retry:}) when it opened, so that its browser
     * comes back, through the load balancer, to an instance that stays.
     */
    void drain() {
        draining = true;
        byCredential.values().forEach(streams -> List.copyOf(streams).forEach(Stream::end));
    }

    void remove(Stream stream) {
        stream.ticket.ifPresent(t -> byTicket.remove(t.digest(), stream));
        byCredential.computeIfPresent(stream.principal.credential(), (c, streams) -> {
            streams.remove(stream);
            return streams.isEmpty() ? null : streams;
        });
    }

    @Override
    public void revoked(Revocation notice) {
        if (notice instanceof Revocation.KeyRevoked key) {
            endAll(new Credential.Key(key.name()));
        } else if (notice instanceof Revocation.SessionRevoked session) {
            endAll(session.session());
        } else if (notice instanceof Revocation.SessionAccessChanged changed) {
            check(credential -> credential.equals(changed.session()));
        } else if (notice instanceof Revocation.UserSessionsRevoked user) {
            // Checked rather than ended: a session the user opened after the revocation still stands.
            check(credential -> credential instanceof Credential.Session s && s.userTag().equals(user.userTag()));
        }
    }

    @Override
    public void mayHaveMissed() {
        check(Credential::revocable);
    }

    private void endAll(Credential credential) {
        Set<Stream> streams = byCredential.get(credential);
        if (streams != null) {
            List.copyOf(streams).forEach(Stream::end);
        }
    }

    private void check(Predicate<Credential> concerned) {
        byCredential.forEach((credential, streams) -> {
            if (concerned.test(credential)) {
                List.copyOf(streams).forEach(this::check);
            }
        });
    }

    /** Checks one stream's credential: a deliberate fire-and-forget, since nobody waits for it and a failure keeps the stream. */
    private void check(Stream stream) {
        credentials.stillPermits(stream.principal, stream.project, Scope.PROGRESS_READ)
                .ifNoItem().after(checkTimeout).fail()
                .subscribe().with(permitted -> {
                    if (!permitted) {
                        stream.end();
                    }
                }, failure -> LOG.debugf("a stream's credential could not be checked, its heartbeat checks again: %s",
                        failure.toString()));
    }
}
