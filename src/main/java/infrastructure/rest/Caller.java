package infrastructure.rest;

import application.UnauthenticatedException;
import domain.access.Principal;
import jakarta.enterprise.context.RequestScoped;

/** The principal of the current request, set once by {@link ApiKeyAuthentication}. */
@RequestScoped
public class Caller {

    private Principal principal;

    void authenticate(Principal principal) {
        this.principal = principal;
    }

    /** The authenticated principal; fails with 401 when the request carried none. */
    public Principal principal() {
        if (principal == null) {
            throw new UnauthenticatedException();
        }
        return principal;
    }
}
