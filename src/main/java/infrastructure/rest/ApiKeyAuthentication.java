package infrastructure.rest;

import application.ApiKeyService;
import application.UnauthenticatedException;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Authenticates every {@code /v1} request by its {@code Authorization: Bearer <key>} header before
 * routing, so that an unauthenticated caller learns nothing, not even which paths exist.
 */
public class ApiKeyAuthentication {

    private static final String BEARER = "Bearer ";
    /** Longer than any key the service issues or accepts; spares hashing a huge header. */
    private static final int MAX_KEY_LENGTH = 256;

    private final ApiKeyService keys;
    private final Caller caller;

    public ApiKeyAuthentication(ApiKeyService keys, Caller caller) {
        this.keys = keys;
        this.caller = caller;
    }

    @ServerRequestFilter(preMatching = true)
    public Uni<Response> authenticate(ContainerRequestContext request) {
        String path = request.getUriInfo().getPath();
        if (!path.startsWith("/v1/") && !path.equals("/v1")) {
            return Uni.createFrom().nullItem();
        }
        String header = request.getHeaderString(HttpHeaders.AUTHORIZATION);
        if (header == null || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())
                || header.length() - BEARER.length() > MAX_KEY_LENGTH) {
            return Uni.createFrom().item(unauthenticated());
        }
        String secret = header.substring(BEARER.length()).trim();
        if (secret.isEmpty()) {
            return Uni.createFrom().item(unauthenticated());
        }
        return keys.authenticate(secret).map(principal -> {
            if (principal.isEmpty()) {
                return unauthenticated();
            }
            caller.authenticate(principal.get());
            return null;
        });
    }

    private static Response unauthenticated() {
        return Problem.Type.UNAUTHENTICATED.with(new UnauthenticatedException().getMessage())
                .toResponse()
                .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"cache-domain\"")
                .build();
    }
}
