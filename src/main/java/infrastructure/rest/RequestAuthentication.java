package infrastructure.rest;

import application.ApiKeyService;
import application.ProgressService;
import application.SessionService;
import domain.InvalidValueException;
import domain.access.Principal;
import domain.progress.ProgressId;
import domain.project.ProjectId;
import application.UnauthenticatedException;
import domain.session.SessionToken;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.core.Cookie;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Authenticates every {@code /v1} request before routing, so that an unauthenticated caller learns
 * nothing, not even which paths exist; then, once routing has matched the endpoint, limits each
 * principal by the policy {@code api} (429 over it; see {@link ApiQuota}, which the 404 and 405 of an
 * unmatched path go through too, so that an unknown path with a valid key still counts).
 *
 * <p>Two credentials: an API key ({@code Authorization: Bearer cdk_…}), for application backends,
 * everywhere but the session's own paths; and a session token ({@code Authorization: Bearer cds_…}
 * or the {@code cd_session} cookie), for browsers, only on the paths opened to sessions. Elsewhere
 * a session token gets 403. Tokens are read from headers and cookies only, never from a URL.
 */
public class RequestAuthentication {

    /** The cookie a browser presents its session token in. */
    public static final String SESSION_COOKIE = "cd_session";

    private static final String BEARER = "Bearer ";
    /** Longer than any credential the service issues; spares hashing a huge header. */
    private static final int MAX_CREDENTIAL_LENGTH = 256;
    /** The paths a session token may use as itself. */
    static final Set<String> SESSION_PATHS = Set.of("/v1/sessions/current");
    /**
     * The progress reads a browser may make with a session, as the session's browser principal:
     * a project's operations, one operation, and its event stream.
     */
    static final Pattern PROGRESS_READS = Pattern.compile("/v1/projects/([^/]+)/progress(?:/([^/]+)(/events)?)?/?");
    /** The query parameter that carries a stream ticket, on the event stream path only. */
    public static final String TICKET_PARAMETER = "ticket";

    private final ApiKeyService keys;
    private final SessionService sessions;
    private final ProgressService progress;
    private final ApiQuota apiQuota;
    private final Caller caller;

    public RequestAuthentication(ApiKeyService keys, SessionService sessions, ProgressService progress,
            ApiQuota apiQuota, Caller caller) {
        this.keys = keys;
        this.sessions = sessions;
        this.progress = progress;
        this.apiQuota = apiQuota;
        this.caller = caller;
    }

    /**
     * Counts the request against the policy {@code api} now that its endpoint is known: the endpoint,
     * not the path, says whether it administers the policy {@code api} ({@link AdministersPolicy}).
     */
    @ServerRequestFilter(priority = 200)
    public Uni<Response> limitApiUse(ContainerRequestContext request, ResourceInfo endpoint) {
        return apiQuota.limit(endpoint.getResourceMethod(),
                request.getUriInfo().getPathParameters().getFirst(AdministersPolicy.NAME_PARAMETER));
    }

    @ServerRequestFilter(preMatching = true, priority = 200)
    public Uni<Response> authenticate(ContainerRequestContext request) {
        String path = request.getUriInfo().getPath();
        if (!path.startsWith("/v1/") && !path.equals("/v1")) {
            return Uni.createFrom().nullItem();
        }
        // Most requests are the cache's: only a read that names progress pays for the regular expression.
        Matcher progressRead = HttpMethod.GET.equals(request.getMethod()) && path.contains("/progress")
                ? PROGRESS_READS.matcher(path) : null;
        boolean browserPath = progressRead != null && progressRead.matches();
        String ticket = request.getUriInfo().getQueryParameters().getFirst(TICKET_PARAMETER);
        if (ticket != null && browserPath && progressRead.group(3) != null) {
            return withTicket(progressRead, ticket);
        }
        String header = request.getHeaderString(HttpHeaders.AUTHORIZATION);
        String bearer = bearer(header);
        if (header != null && bearer == null) {
            return Uni.createFrom().item(unauthenticated());
        }
        Cookie cookie = request.getCookies().get(SESSION_COOKIE);
        String sessionToken = bearer != null
                ? (SessionToken.looksLikeOne(bearer) ? bearer : null)
                : (cookie != null && !cookie.getValue().isEmpty() ? cookie.getValue() : null);
        boolean sessionPath = SESSION_PATHS.contains(path);
        if (sessionPath && sessionToken == null && bearer == null) {
            return Uni.createFrom().item(unauthenticated(UnauthenticatedException.SESSION_REQUIRED));
        }
        if (sessionToken != null && browserPath) {
            return asBrowser(sessionToken);
        }
        if (sessionToken != null) {
            if (!sessionPath) {
                return Uni.createFrom().item(Problem.Type.FORBIDDEN.response(
                        "a session token may only be used on the session's own paths; backends use an API key"));
            }
            caller.presentSession(sessionToken);
            return Uni.createFrom().nullItem();
        }
        if (bearer == null) {
            return Uni.createFrom().item(unauthenticated());
        }
        if (sessionPath) {
            return Uni.createFrom().item(Problem.Type.FORBIDDEN.response(
                    "this path takes a session token, as 'Authorization: Bearer cds_…' or the cd_session cookie"));
        }
        return keys.authenticate(bearer).map(this::admit);
    }

    /**
     * Lets the request act as {@code principal}, to be counted against the policy {@code api} once
     * its endpoint is known; 401 with none.
     */
    private Response admit(Optional<Principal> principal) {
        if (principal.isEmpty()) {
            return unauthenticated();
        }
        caller.authenticate(principal.get());
        caller.countAgainstApi();
        return null;
    }

    /** A progress read with a session: as the session's browser principal (403 for a session with no project). */
    private Uni<Response> asBrowser(String sessionToken) {
        return sessions.current(sessionToken).chain(session -> {
            if (session.isEmpty()) {
                return Uni.createFrom().item(unauthenticated(UnauthenticatedException.SESSION_REQUIRED));
            }
            Optional<Principal> browser = session.get().browserPrincipal();
            if (browser.isEmpty()) {
                return Uni.createFrom().item(Problem.Type.FORBIDDEN.response("this session has access to no project"));
            }
            return Uni.createFrom().item(admit(browser));
        });
    }

    /**
     * An event stream opened with a ticket, which must be for this operation: each use opens the
     * ticket again (so that an EventSource's reconnects resume), and the stream is the ticket's
     * latest opening. A malformed path is left to the resource, which answers its 400.
     */
    private Uni<Response> withTicket(Matcher eventsPath, String ticket) {
        ProjectId project;
        ProgressId operation;
        try {
            project = ProjectId.of(eventsPath.group(1));
            operation = ProgressId.of(eventsPath.group(2));
        } catch (InvalidValueException e) {
            return Uni.createFrom().item(unauthenticated(UnauthenticatedException.TICKET_REFUSED));
        }
        return progress.redeemTicket(project, operation, ticket).map(admission -> {
            if (admission.isEmpty()) {
                return unauthenticated(UnauthenticatedException.TICKET_REFUSED);
            }
            caller.authenticate(admission.get().principal());
            caller.holdTicket(admission.get().opening());
            // A ticket opens its stream as often as it is presented: each ticket's openings count against the policy api.
            caller.countAgainstApi();
            return null;
        });
    }

    /** The credential of a well-formed {@code Bearer} header of bounded length, else null. */
    static String bearer(String header) {
        if (header == null || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())
                || header.length() - BEARER.length() > MAX_CREDENTIAL_LENGTH) {
            return null;
        }
        String credential = header.substring(BEARER.length()).trim();
        return credential.isEmpty() ? null : credential;
    }

    static Response unauthenticated() {
        return unauthenticated(UnauthenticatedException.API_KEY_REQUIRED);
    }

    /** 401 with {@code detail} naming the credential this path takes; the problem type is the same for all. */
    static Response unauthenticated(String detail) {
        return Problem.Type.UNAUTHENTICATED.with(detail)
                .toResponse()
                .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"cache-domain\"")
                .build();
    }
}
