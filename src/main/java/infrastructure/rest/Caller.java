package infrastructure.rest;

import application.UnauthenticatedException;
import domain.access.Principal;
import jakarta.enterprise.context.RequestScoped;

/**
 * Who the current request comes from, as {@link RequestAuthentication} found: an API key's
 * principal, or a session token presented on the one path that takes it.
 */
@RequestScoped
public class Caller {

    private Principal principal;
    private String sessionToken;

    void authenticate(Principal principal) {
        this.principal = principal;
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
