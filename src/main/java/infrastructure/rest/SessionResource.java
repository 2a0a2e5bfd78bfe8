package infrastructure.rest;

import domain.access.Principal;
import application.SessionService;
import application.UnauthenticatedException;
import com.fasterxml.jackson.annotation.JsonRawValue;
import domain.access.Scope;
import domain.project.ProjectId;
import domain.session.SessionId;
import domain.session.SessionPolicy;
import domain.session.UserId;
import domain.session.UserSession;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** User sessions over HTTP: {@code /v1/sessions} and {@code /v1/users/{userId}/sessions}. */
@Path("/v1")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "sessions", description = "User sessions with project access rights, idle and absolute expiry")
public class SessionResource {

    private static final String NO_SESSION = "no live session for this token";

    private final SessionService sessions;
    private final Caller caller;
    private final Clock clock;

    public SessionResource(SessionService sessions, Caller caller, Clock clock) {
        this.sessions = sessions;
        this.caller = caller;
        this.clock = clock;
    }

    /** A session to open. {@code userData} is any JSON; {@code projectAccess} may be empty. */
    @RegisterForReflection
    public record CreateSessionRequest(String userId, JsonValue userData, List<String> projectAccess,
            Long idleTimeoutSeconds, Long absoluteTimeoutSeconds) {
    }

    /** A session as shown: never its token. */
    @RegisterForReflection
    public record SessionView(String sessionId, String userId, @Schema(ref = "JsonValue") @JsonRawValue String userData, List<String> projectAccess,
            Instant createdAt, Instant lastActivityAt, Instant idleExpiresAt, Instant absoluteExpiresAt) {

        /** Ada's session (user-42: its ids start with that user's tag), opened with a 30-minute idle timeout. */
        static final String EXAMPLE = "{\"sessionId\": \"6d894aa3ee802549Xq3Zr2Wl0s7Hq4YtDk8L1a\", \"userId\": \"user-42\", "
                + "\"userData\": {\"name\": \"Ada\"}, \"projectAccess\": [\"shop\"], \"createdAt\": \"2026-11-22T09:00:00.318Z\", "
                + "\"lastActivityAt\": \"2026-11-22T09:12:40.551Z\", \"idleExpiresAt\": \"2026-11-22T09:42:40.551Z\", "
                + "\"absoluteExpiresAt\": \"2026-11-23T09:00:00.318Z\"}";
        /** The same session once granted the project blog. */
        static final String GRANTED = "{\"sessionId\": \"6d894aa3ee802549Xq3Zr2Wl0s7Hq4YtDk8L1a\", \"userId\": \"user-42\", "
                + "\"userData\": {\"name\": \"Ada\"}, \"projectAccess\": [\"blog\", \"shop\"], "
                + "\"createdAt\": \"2026-11-22T09:00:00.318Z\", \"lastActivityAt\": \"2026-11-22T09:12:40.551Z\", "
                + "\"idleExpiresAt\": \"2026-11-22T09:42:40.551Z\", \"absoluteExpiresAt\": \"2026-11-23T09:00:00.318Z\"}";
        /** Another session of Ada's, opened later from a second device, without user data. */
        static final String SECOND = "{\"sessionId\": \"6d894aa3ee802549Rk2vB8mQa0Lc3ZtW9yPj1e\", \"userId\": \"user-42\", "
                + "\"userData\": null, \"projectAccess\": [\"shop\"], \"createdAt\": \"2026-11-22T11:20:05.774Z\", "
                + "\"lastActivityAt\": \"2026-11-22T11:31:18.020Z\", \"idleExpiresAt\": \"2026-11-22T13:31:18.020Z\", "
                + "\"absoluteExpiresAt\": \"2026-11-23T11:20:05.774Z\"}";

        static SessionView from(UserSession s) {
            return new SessionView(s.id().value(), s.userId().value(), s.userData(), projects(s), s.createdAt(),
                    s.lastActivityAt(), s.idleExpiresAt(), s.absoluteExpiresAt());
        }
    }

    /** A session just opened or rotated, with its token: the only times the token is shown. */
    @RegisterForReflection
    public record OpenedSession(String sessionId, String token, String userId, List<String> projectAccess,
            Instant createdAt, Instant idleExpiresAt, Instant absoluteExpiresAt) {

        /** The token is the session id, a dot, and a secret verifier. */
        static final String OPENED = "{\"sessionId\": \"6d894aa3ee802549Xq3Zr2Wl0s7Hq4YtDk8L1a\", "
                + "\"token\": \"cds_6d894aa3ee802549Xq3Zr2Wl0s7Hq4YtDk8L1a.xOMdA9hL0hyAuT2UAF_TBaA8M5993Pgi-BqF581RqzY\", "
                + "\"userId\": \"user-42\", \"projectAccess\": [\"shop\"], \"createdAt\": \"2026-11-22T09:00:00.318Z\", "
                + "\"idleExpiresAt\": \"2026-11-22T09:30:00.318Z\", \"absoluteExpiresAt\": \"2026-11-23T09:00:00.318Z\"}";
        /** The same session after a rotation: the same id, a new verifier. */
        static final String ROTATED = "{\"sessionId\": \"6d894aa3ee802549Xq3Zr2Wl0s7Hq4YtDk8L1a\", "
                + "\"token\": \"cds_6d894aa3ee802549Xq3Zr2Wl0s7Hq4YtDk8L1a.fGYwDvn35aUO0VZxlPgNR1Fc4FeMbP9BSidKi-Ya3_c\", "
                + "\"userId\": \"user-42\", \"projectAccess\": [\"shop\"], \"createdAt\": \"2026-11-22T09:00:00.318Z\", "
                + "\"idleExpiresAt\": \"2026-11-22T09:42:40.551Z\", \"absoluteExpiresAt\": \"2026-11-23T09:00:00.318Z\"}";

        static OpenedSession from(SessionPolicy.Opened opened) {
            UserSession s = opened.session();
            return new OpenedSession(s.id().value(), opened.token().reveal(), s.userId().value(), projects(s),
                    s.createdAt(), s.idleExpiresAt(), s.absoluteExpiresAt());
        }
    }

    /** A token to check. */
    @RegisterForReflection
    public record ValidateRequest(String token) {
    }

    /** One page of a user's sessions, oldest first; {@code nextCursor} is null on the last page. */
    @RegisterForReflection
    public record SessionList(List<SessionView> items, String nextCursor) {

        /** A page of two that is not the last (limit=2): the cursor this service writes after the second session. */
        static final String EXAMPLE = "{\"items\": [" + SessionView.EXAMPLE + ", " + SessionView.SECOND + "], \"nextCursor\": "
                + "\"c2Vzc2lvbnM6MTc5NTM0NjQwNTc3NC82ZDg5NGFhM2VlODAyNTQ5UmsydkI4bVFhMExjM1p0Vzl5UGoxZQ\"}";
    }

    /** How many sessions were revoked. */
    @RegisterForReflection
    public record Revoked(long revoked) {

        static final String EXAMPLE = "{\"revoked\": 3}";
    }

    @POST
    @Path("sessions")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Open a session", description = "For a user the backend authenticated. The token is returned "
            + "only here and on rotation (also as the cd_session cookie, for a backend that forwards it to the browser). "
            + "A key may grant only projects it holds itself.")
    @RequestBody(content = @Content(examples = @ExampleObject(name = "session", value = "{\"userId\": \"user-42\", "
            + "\"userData\": {\"name\": \"Ada\"}, \"projectAccess\": [\"shop\"], \"idleTimeoutSeconds\": 1800}")))
    @APIResponse(responseCode = "201", description = "Opened", content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = OpenedSession.class), examples = @ExampleObject(name = "opened",
            value = OpenedSession.OPENED)))
    @Requires(Scope.SESSIONS)
    public Uni<Response> create(CreateSessionRequest body) {
        Violations violations = new Violations();
        if (body == null) {
            violations.add("", "send {\"userId\", \"userData\"?, \"projectAccess\", \"idleTimeoutSeconds\"?, \"absoluteTimeoutSeconds\"?}");
            violations.throwIfAny();
        }
        UserId user = violations.check("userId", () -> UserId.of(body.userId()));
        Set<ProjectId> projects = new LinkedHashSet<>();
        List<String> raw = body.projectAccess() == null ? List.of() : body.projectAccess();
        for (int i = 0; i < raw.size() && i < 10_000; i++) {
            String value = raw.get(i);
            ProjectId project = violations.check("projectAccess[" + i + "]", () -> ProjectId.of(value));
            if (project != null) {
                projects.add(project);
            }
        }
        violations.throwIfAny();
        return sessions.create(caller.principal(), user, body.userData() == null ? null : body.userData().text(), projects,
                        optional(body.idleTimeoutSeconds()), optional(body.absoluteTimeoutSeconds()))
                .map(opened -> Response.created(URI.create("/v1/sessions/" + opened.session().id()))
                        .header(HttpHeaders.SET_COOKIE, cookie(opened))
                        .entity(OpenedSession.from(opened))
                        .build());
    }

    @POST
    @Path("sessions/validate")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Validate a session token", description = "200 with the session, counting as activity; 401 for "
            + "any token that opens no session the key may see (malformed, unknown, expired, revoked: never told which).")
    @RequestBody(content = @Content(examples = @ExampleObject(name = "token", value = "{\"token\": "
            + "\"cds_6d894aa3ee802549Xq3Zr2Wl0s7Hq4YtDk8L1a.xOMdA9hL0hyAuT2UAF_TBaA8M5993Pgi-BqF581RqzY\"}")))
    @APIResponse(responseCode = "200", description = "The session", content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = SessionView.class),
            examples = @ExampleObject(name = "session", value = SessionView.EXAMPLE)))
    @APIResponse(responseCode = "401", description = "No live session for this token")
    @Requires(Scope.SESSIONS)
    public Uni<Response> validate(ValidateRequest body) {
        return validate(caller.principal(), body);
    }

    /** {@link #validate(ValidateRequest)} for {@code principal}, authenticated and counted against the policy {@code api} by the caller. */
    Uni<Response> validate(Principal principal, ValidateRequest body) {
        String token = body == null || body.token() == null ? "" : body.token();
        return sessions.validate(principal, token).map(found -> found
                .map(s -> Response.ok(SessionView.from(s)).build())
                .orElseGet(() -> Problem.Type.UNAUTHENTICATED.response(NO_SESSION)));
    }

    @GET
    @Path("sessions/current")
    @Operation(summary = "The caller's own session", description = "With the session token (Authorization: Bearer "
            + "cds_… or the cd_session cookie); counts as activity.")
    @APIResponse(responseCode = "200", description = "The session", content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = SessionView.class),
            examples = @ExampleObject(name = "session", value = SessionView.EXAMPLE)))
    @APIResponse(responseCode = "401", description = "No live session for this token")
    public Uni<Response> current() {
        return sessions.current(caller.sessionToken()).map(found -> found
                .map(s -> Response.ok(SessionView.from(s)).build())
                .orElseGet(() -> RequestAuthentication.unauthenticated(UnauthenticatedException.SESSION_REQUIRED)));
    }

    @DELETE
    @Path("sessions/current")
    @Operation(summary = "Log out", description = "Ends the caller's own session and clears the cd_session cookie. "
            + "Idempotent like every DELETE: a token (header or cookie) whose session ended already, or never was, also "
            + "answers 204 and clears the cookie, so a browser holding a dead cookie is never left with it. Only a request "
            + "with no session token at all answers 401.")
    @APIResponse(responseCode = "204", description = "Logged out, or the session had ended already; the cookie is cleared")
    @APIResponse(responseCode = "401", description = "No session token in the request")
    public Uni<Response> logout() {
        return sessions.logout(caller.sessionToken())
                .map(ended -> Response.noContent().header(HttpHeaders.SET_COOKIE, expiredCookie()).build());
    }

    @GET
    @Path("sessions/{sessionId}")
    @Operation(summary = "Read a session", description = "Without its token; does not count as activity. 404 for a "
            + "session that does not exist, ended, or reaches a project outside the key's.")
    @APIResponse(responseCode = "200", description = "The session", content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = SessionView.class),
            examples = @ExampleObject(name = "session", value = SessionView.EXAMPLE)))
    @APIResponse(responseCode = "404", description = "No such session")
    @Requires(Scope.SESSIONS)
    public Uni<Response> get(@PathParam("sessionId") String sessionId) {
        SessionId id = parse(sessionId);
        return sessions.get(caller.principal(), id).map(found -> found
                .map(s -> Response.ok(SessionView.from(s)).build())
                .orElseGet(SessionResource::notFound));
    }

    @PUT
    @Path("sessions/{sessionId}/projects/{projectId}")
    @Operation(summary = "Grant a project to a session", description = "Takes effect at once.")
    @APIResponse(responseCode = "200", description = "The session as changed",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = SessionView.class), examples = @ExampleObject(name = "granted blog",
            value = SessionView.GRANTED)))
    @Requires(Scope.SESSIONS)
    public Uni<Response> grant(@PathParam("sessionId") String sessionId, @PathParam("projectId") String projectId) {
        return changeAccess(sessionId, projectId, true);
    }

    @DELETE
    @Path("sessions/{sessionId}/projects/{projectId}")
    @Operation(summary = "Revoke a project from a session", description = "Takes effect at once. Idempotent: 204 when "
            + "there is no such session (or none the key may see), since then no session has the project.")
    @APIResponse(responseCode = "200", description = "The session as changed",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = SessionView.class), examples = @ExampleObject(name = "revoked blog",
            value = SessionView.EXAMPLE)))
    @APIResponse(responseCode = "204", description = "No such session: nothing holds the project")
    @Requires(Scope.SESSIONS)
    public Uni<Response> revokeProject(@PathParam("sessionId") String sessionId, @PathParam("projectId") String projectId) {
        return changeAccess(sessionId, projectId, false);
    }

    @POST
    @Path("sessions/{sessionId}/rotate")
    @Operation(summary = "Rotate a session's token", description = "Returns a new token; the old one stops working at once.")
    @APIResponse(responseCode = "200", description = "The session with its new token", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = OpenedSession.class),
            examples = @ExampleObject(name = "rotated", value = OpenedSession.ROTATED)))
    @Requires(Scope.SESSIONS)
    public Uni<Response> rotate(@PathParam("sessionId") String sessionId) {
        SessionId id = parse(sessionId);
        return sessions.rotate(caller.principal(), id).map(rotated -> rotated
                .map(opened -> Response.ok(OpenedSession.from(opened)).header(HttpHeaders.SET_COOKIE, cookie(opened)).build())
                .orElseGet(SessionResource::notFound));
    }

    @DELETE
    @Path("sessions/{sessionId}")
    @Operation(summary = "Revoke a session", description = "Its token stops working at once and its data is deleted. "
            + "Idempotent: 204 also when there is no such session, or none the key may see.")
    @APIResponse(responseCode = "204", description = "Revoked, or absent")
    @Requires(Scope.SESSIONS)
    public Uni<Response> revoke(@PathParam("sessionId") String sessionId) {
        SessionId id = parse(sessionId);
        return sessions.revoke(caller.principal(), id).map(revoked -> Response.noContent().build());
    }

    @GET
    @Path("users/{userId}/sessions")
    @Operation(summary = "List a user's sessions", description = "The live sessions the key may see, oldest first, a page "
            + "at a time: pass nextCursor as cursor until it is null.")
    @APIResponse(responseCode = "200", description = "A page of sessions",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = SessionList.class),
            examples = @ExampleObject(name = "page", value = SessionList.EXAMPLE)))
    @Requires(Scope.SESSIONS)
    public Uni<SessionList> list(@PathParam("userId") String userId,
            @Parameter(description = "nextCursor of the previous page; absent for the first") @QueryParam("cursor") String cursor,
            @Parameter(description = "1 to 1000, default 100") @QueryParam("limit") String limit) {
        Violations violations = new Violations();
        UserId user = violations.check("userId", () -> UserId.of(userId));
        Optional<Position> after = Paging.position(Paging.Listing.SESSIONS, cursor, Position::parse, violations);
        int size = Paging.limit(limit, violations);
        violations.throwIfAny();
        return sessions.list(caller.principal(), user).map(all -> {
            List<UserSession> ordered = all.stream().sorted(OLDEST_FIRST).toList();
            Paging.Slice<UserSession> page = Paging.slice(ordered,
                    s -> after.map(position -> position.before(s)).orElse(true), size, s -> Position.of(s).text());
            return new SessionList(page.items().stream().map(SessionView::from).toList(),
                    page.next().map(next -> Paging.cursor(Paging.Listing.SESSIONS, next)).orElse(null));
        });
    }

    private static final Comparator<UserSession> OLDEST_FIRST =
            Comparator.<UserSession>comparingLong(s -> s.createdAt().toEpochMilli()).thenComparing(s -> s.id().value());

    /** A place in a user's sessions, oldest first: a creation time and, among sessions created together, the id. */
    private record Position(long createdAtMillis, String sessionId) {

        static Position of(UserSession s) {
            return new Position(s.createdAt().toEpochMilli(), s.id().value());
        }

        static Position parse(String text) {
            int slash = text.indexOf('/');
            if (slash < 1) {
                throw new IllegalArgumentException("no position");
            }
            return new Position(Long.parseLong(text.substring(0, slash)), SessionId.of(text.substring(slash + 1)).value());
        }

        String text() {
            return createdAtMillis + "/" + sessionId;
        }

        /** Whether this position lies before the session, so that the session belongs to a later page. */
        boolean before(UserSession s) {
            long created = s.createdAt().toEpochMilli();
            return created > createdAtMillis || created == createdAtMillis && s.id().value().compareTo(sessionId) > 0;
        }
    }

    @DELETE
    @Path("users/{userId}/sessions")
    @Operation(summary = "Revoke all of a user's sessions", description = "Those the key may see; answers how many.")
    @APIResponse(responseCode = "200", description = "Revoked", content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = Revoked.class), examples = @ExampleObject(name = "count", value = Revoked.EXAMPLE)))
    @Requires(Scope.SESSIONS)
    public Uni<Revoked> revokeAll(@PathParam("userId") String userId) {
        UserId user = parseUser(userId);
        return sessions.revokeAll(caller.principal(), user).map(Revoked::new);
    }

    private Uni<Response> changeAccess(String sessionId, String projectId, boolean granted) {
        Violations violations = new Violations();
        SessionId id = violations.check("sessionId", () -> SessionId.of(sessionId));
        ProjectId project = violations.check("projectId", () -> ProjectId.of(projectId));
        violations.throwIfAny();
        // Revoking a project of a session that is not there leaves it as asked (DELETE is idempotent); granting
        // one to it cannot.
        return sessions.changeAccess(caller.principal(), id, project, granted).map(changed -> changed
                .map(s -> Response.ok(SessionView.from(s)).build())
                .orElseGet(() -> granted ? notFound() : Response.noContent().build()));
    }

    private static SessionId parse(String sessionId) {
        Violations violations = new Violations();
        SessionId id = violations.check("sessionId", () -> SessionId.of(sessionId));
        violations.throwIfAny();
        return id;
    }

    private static UserId parseUser(String userId) {
        Violations violations = new Violations();
        UserId user = violations.check("userId", () -> UserId.of(userId));
        violations.throwIfAny();
        return user;
    }

    private static Response notFound() {
        return Problem.Type.NOT_FOUND.response("no such session");
    }

    private static List<String> projects(UserSession s) {
        return s.projectAccess().stream().map(ProjectId::value).sorted().toList();
    }

    private static OptionalLong optional(Long value) {
        return value == null ? OptionalLong.empty() : OptionalLong.of(value);
    }

    /**
     * The session token as an HttpOnly, Secure, SameSite=Strict cookie, for a browser's EventSource. Written as
     * the header itself (RFC 6265): JAX-RS's {@code NewCookie} adds the obsolete {@code Version=1} of RFC 2109.
     */
    private String cookie(SessionPolicy.Opened opened) {
        long seconds = Math.max(0, Duration.between(clock.instant(), opened.session().absoluteExpiresAt()).getSeconds());
        return setCookie(opened.token().reveal(), seconds);
    }

    /** A cookie that tells the browser to drop {@code cd_session} at once. */
    private static String expiredCookie() {
        return setCookie("", 0);
    }

    private static String setCookie(String value, long maxAgeSeconds) {
        // The token's alphabet (cds_, base64url and a dot) needs no quoting or escaping in a cookie value.
        return RequestAuthentication.SESSION_COOKIE + "=" + value + "; Max-Age=" + maxAgeSeconds
                + (maxAgeSeconds == 0 ? "; Expires=Thu, 01 Jan 1970 00:00:00 GMT" : "")
                + "; Path=/v1; Secure; HttpOnly; SameSite=Strict";
    }
}
