package infrastructure.rest;

import application.UnauthenticatedException;
import domain.access.Principal;
import domain.progress.ProgressTicket;
import java.util.Optional;
import jakarta.enterprise.context.RequestScoped;

/**
 * Who the current request comes from, as {@link RequestAuthentication} found: an API key's
 * principal, or a session token presented on the one path that takes it.
 */
@RequestScoped
public class Caller {

    private Principal principal;
    private String sessionToken;
    private ProgressTicket.Opening ticket;
    /** Set by authentication for a request that counts against the policy {@code api}, until it is counted. */
    private boolean apiCountPending;

    void authenticate(Principal principal) {
        this.principal = principal;
    }

    /** The request is to be counted against the policy {@code api} once its endpoint is known ({@link ApiQuota}). */
    void countAgainstApi() {
        this.apiCountPending = principal != null;
    }

    /** Whether the request is still to be counted against the policy {@code api}; true once at most. */
    boolean takeApiCount() {
        boolean pending = apiCountPending;
        apiCountPending = false;
        return pending;
    }

    void holdTicket(ProgressTicket.Opening opening) {
        this.ticket = opening;
    }

    /** The opening of the stream ticket the request came with; empty for any other credential. */
    public Optional<ProgressTicket.Opening> ticket() {
        return Optional.ofNullable(ticket);
    }

    void presentSession(String token) {
        this.sessionToken = token;
    }

    /** The authenticated API key principal; fails with 401 when the request carried none. */
    public Principal principal() {
        if (principal == null) {
            throw new UnauthenticatedException();
        }
        return principal;
    }

    /** The session token the request presented, not yet checked; fails with 401 when there is none. */
    public String sessionToken() {
        if (sessionToken == null) {
            throw new UnauthenticatedException(UnauthenticatedException.SESSION_REQUIRED);
        }
        return sessionToken;
    }
}
