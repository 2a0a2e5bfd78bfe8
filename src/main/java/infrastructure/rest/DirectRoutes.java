package infrastructure.rest;

import application.ApiKeyService;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import domain.access.Principal;
import domain.cache.CachePolicy;
import domain.session.SessionToken;
import infrastructure.config.HttpConfig;
import io.smallrye.common.vertx.ContextLocals;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.net.HostAndPort;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jboss.resteasy.reactive.common.headers.HeaderUtil;

/**
 * The hot operations, called with an API key, served straight from Vert.x's router: cache read and
 * write, rate-limit check, session validate, progress step, and a task's enqueue (one or a batch),
 * claim, heartbeat, complete and fail. Each runs its resource's own method, so the answers are RESTEasy Reactive's to the byte,
 * but without RESTEasy's request scope, filter chain and the suspensions between them, which cost a
 * hot request more than its Redis round trip (docs/benchmarks.md). The checks RESTEasy's filters make run here in the same order: the key
 * ({@link RequestAuthentication}, 401), the policy {@code api} ({@link ApiQuota}, 429), the
 * endpoint's scope before a body is read ({@link EndpointAccess}, 403), the body's limit
 * ({@link BodyLimit}, 413), its JSON ({@link JsonRules}, 400); failures answer through the same
 * {@link ProblemMappers}.
 *
 * <p>A request with no credential, or a malformed {@code Authorization}, gets the 401 RESTEasy's
 * authentication gives on these paths, here: the service's cheapest answer stays cheap. Any other
 * request goes on to RESTEasy untouched, decided before anything is read or counted: a session
 * (header or cookie, which these paths refuse with 403), several {@code Authorization} headers, a
 * path with matrix parameters, an {@code Accept} that rules JSON out, a body that is not
 * {@code application/json}, or HEAD and OPTIONS (no route here).
 * {@code cache-domain.http.direct-routes=false} sends every request to RESTEasy.
 */
@Singleton
public class DirectRoutes {

    /**
     * After {@link BrowserCors}, {@link HttpEdge} and Quarkus's own body size check and compression
     * (orders up to 0); before RESTEasy Reactive's route.
     */
    static final int ORDER = 1;
    /** The request context's local that holds the matched path template. */
    static final String URL_PATH_TEMPLATE = "UrlPathTemplate";
    /** What every path served here begins with. */
    private static final String PREFIX = "/v1/";
    private static final String JSON = "application/json;charset=UTF-8";
    /** How Jackson begins the failure to read a body that holds no JSON value at all. */
    private static final String NO_CONTENT = "No content to map";

    /**
     * What an endpoint answers to an authenticated, counted request, given its path's parameters;
     * {@code body} is null when none was sent.
     */
    @FunctionalInterface
    interface Endpoint<B> {
        Uni<Response> answer(Principal principal, RoutingContext request, PathTemplate.Params path, B body) throws Exception;
    }

    /**
     * One resource method served here: its path template, its scope and, for a method that consumes
     * JSON, the type its body is read as.
     */
    private record Route<B>(HttpMethod method, PathTemplate path, Requires requires, ObjectReader body, boolean mayWait,
            Endpoint<B> endpoint) {
    }

    private final boolean enabled;
    private final ApiKeyService keys;
    private final ApiQuota apiQuota;
    private final ProblemMappers problems;
    private final ObjectMapper json;
    private final long maxBodyBytes;
    private final CacheResource cache;
    private final ProjectRateLimitResource rateLimits;
    private final SessionResource sessions;
    private final ProgressResource progress;
    private final TaskResource tasks;

    public DirectRoutes(HttpConfig config, ApiKeyService keys, ApiQuota apiQuota, ProblemMappers problems, ObjectMapper json,
            CachePolicy policy, CacheResource cache, ProjectRateLimitResource rateLimits, SessionResource sessions,
            ProgressResource progress, TaskResource tasks) {
        this.enabled = config.directRoutes();
        this.keys = keys;
        this.apiQuota = apiQuota;
        this.problems = problems;
        this.json = json;
        this.maxBodyBytes = BodyLimit.bound(policy.maxValueBytes());
        this.cache = cache;
        this.rateLimits = rateLimits;
        this.sessions = sessions;
        this.progress = progress;
        this.tasks = tasks;
    }

    void install(@Observes Router router) {
        if (!enabled) {
            return;
        }
        // One Vert.x route for all of them, which matches the templates itself (PathTemplate): Vert.x-Web would try
        // one regular expression per route, route after route.
        List<Route<?>> routes = routes();
        router.route().order(ORDER).handler(context -> dispatch(context, routes));
    }

    /** Serves a request one of {@code routes} matches; passes any other on. */
    private void dispatch(RoutingContext context, List<Route<?>> routes) {
        String path = withinMount(context);
        if (path.startsWith(PREFIX)) {
            HttpMethod method = context.request().method();
            for (Route<?> route : routes) {
                PathTemplate.Params params;
                try {
                    params = route.method().equals(method) ? route.path().match(path) : null;
                } catch (IllegalArgumentException e) {
                    // A '%' that begins no escape in a parameter: the 400 Vert.x-Web gave when its route matched the path.
                    ContextLocals.put(URL_PATH_TEMPLATE, route.path().template());
                    answer(context, Problem.Type.VALIDATION.response("the request path holds a '%' that begins no escape"));
                    return;
                }
                if (params != null) {
                    serve(context, route, params);
                    return;
                }
            }
        }
        context.next();
    }

    /** The request's normalized path within the router's mount point ({@code quarkus.http.root-path}), as a route sees it. */
    private static String withinMount(RoutingContext context) {
        String path = context.normalizedPath();
        String mount = mountPrefix(context);
        return !mount.isEmpty() && path.startsWith(mount + "/") ? path.substring(mount.length()) : path;
    }

    /** The router's mount point without its trailing '/': empty when the router is not mounted (no root path). */
    private static String mountPrefix(RoutingContext context) {
        String mount = context.mountPoint();
        if (mount == null) {
            return "";
        }
        return mount.endsWith("/") ? mount.substring(0, mount.length() - 1) : mount;
    }

    /** The routes, each named by its resource method, whose annotations give its path, verb, scope and body. */
    private List<Route<?>> routes() {
        return List.of(
                route(CacheResource.class, "get", null, (principal, request, path, body) -> cache.read(principal,
                        path.get("projectId"), path.get("key"),
                        request.request().getHeader(HttpHeaders.IF_NONE_MATCH))),
                route(CacheResource.class, "put", CacheResource.PutEntryRequest.class, (principal, request, path, body) -> cache.write(
                        principal, path.get("projectId"), path.get("key"),
                        request.request().getHeader(HttpHeaders.IF_MATCH), request.request().getHeader(HttpHeaders.IF_NONE_MATCH),
                        body)),
                route(ProjectRateLimitResource.class, "check", RateLimitResource.CheckBody.class,
                        (principal, request, path, body) -> rateLimits.check(principal, path.get("projectId"), body)),
                route(SessionResource.class, "validate", SessionResource.ValidateRequest.class,
                        (principal, request, path, body) -> sessions.validate(principal, body)),
                route(ProgressResource.class, "step", ProgressResource.StepRequest.class, (principal, request, path, body) -> progress
                        .step(principal, path.get("projectId"), path.get("id"), body)
                        .map(view -> Response.ok(view).build())),
                // A producer's and a worker's calls, one or more per task. A claim may wait for work (long polling):
                // its client going away ends the wait, as RESTEasy cancels a request's Uni when its connection closes.
                route(TaskResource.class, "enqueue", TaskResource.EnqueueRequest.class, (principal, request, path, body) -> tasks
                        .enqueue(principal, path.get("projectId"), path.get("queue"), body,
                                location -> Response.status(Response.Status.CREATED)
                                        .header(HttpHeaders.LOCATION.toString(), absolute(request, location.toString())))),
                route(TaskResource.class, "enqueueBatch", TaskResource.BatchRequest.class, (principal, request, path, body) -> tasks
                        .enqueueBatch(principal, path.get("projectId"), path.get("queue"), body)),
                waiting(route(TaskResource.class, "claim", TaskResource.ClaimBody.class, (principal, request, path, body) -> tasks
                        .claim(principal, path.get("projectId"), path.get("queue"), body)
                        .map(claimed -> Response.ok(claimed).build()))),
                route(TaskResource.class, "complete", TaskResource.CompleteRequest.class, (principal, request, path, body) -> tasks
                        .complete(principal, path.get("projectId"), path.get("queue"), path.get("id"), body)
                        .map(done -> Response.ok(done).build())),
                route(TaskResource.class, "heartbeat", TaskResource.HeartbeatRequest.class, (principal, request, path, body) -> tasks
                        .heartbeat(principal, path.get("projectId"), path.get("queue"), path.get("id"), body)
                        .map(view -> Response.ok(view).build())),
                route(TaskResource.class, "fail", TaskResource.FailRequest.class, (principal, request, path, body) -> tasks
                        .fail(principal, path.get("projectId"), path.get("queue"), path.get("id"), body)
                        .map(view -> Response.ok(view).build())));
    }

    private <B> Route<B> route(Class<?> resource, String name, Class<B> bodyType, Endpoint<B> endpoint) {
        Method method = endpointMethod(resource, name);
        String verb = AllowedMethods.verbOf(method);
        String template = AllowedMethods.pathOf(resource, method);
        if (verb == null || method.getAnnotation(Requires.class) == null
                || (bodyType != null) != method.isAnnotationPresent(Consumes.class)) {
            throw new IllegalStateException("not an endpoint served directly: " + resource.getSimpleName() + "." + name);
        }
        return new Route<>(HttpMethod.valueOf(verb), PathTemplate.of(template), method.getAnnotation(Requires.class),
                bodyType == null ? null : json.readerFor(bodyType), false, endpoint);
    }

    /** {@code route}, for an endpoint that may wait: its answer is cancelled when the client goes away. */
    private static <B> Route<B> waiting(Route<B> route) {
        return new Route<>(route.method(), route.path(), route.requires(), route.body(), true, route.endpoint());
    }

    /** The resource's public endpoint method of that name (its overload for a given principal is not public). */
    static Method endpointMethod(Class<?> resource, String name) {
        for (Method method : resource.getDeclaredMethods()) {
            if (method.getName().equals(name) && Modifier.isPublic(method.getModifiers())) {
                return method;
            }
        }
        throw new IllegalStateException("no endpoint " + resource.getSimpleName() + "." + name);
    }

    private <B> void serve(RoutingContext context, Route<B> route, PathTemplate.Params path) {
        HttpServerRequest http = context.request();
        String header = http.getHeader(HttpHeaders.AUTHORIZATION);
        // RESTEasy reads a path with matrix parameters, several Authorization headers and any cookie (a session's) its own way.
        if (http.path().indexOf(';') >= 0 || header != null && http.headers().getAll(HttpHeaders.AUTHORIZATION).size() > 1
                || header == null && http.headers().contains(HttpHeaders.COOKIE)) {
            context.next();
            return;
        }
        String credential = RequestAuthentication.bearer(header);
        if (credential == null) {
            // No credential at all, or a malformed one: the 401 RESTEasy's authentication gives on these paths.
            ContextLocals.put(URL_PATH_TEMPLATE, route.path().template());
            answer(context, RequestAuthentication.unauthenticated());
            return;
        }
        if (SessionToken.looksLikeOne(credential) || !acceptsJson(http.getHeader(HttpHeaders.ACCEPT))
                || route.body() != null && !isJson(http.getHeader(HttpHeaders.CONTENT_TYPE))) {
            context.next();
            return;
        }
        if (route.body() != null) {
            // Nothing of the body may arrive before its reader is in place, once the caller is known.
            http.pause();
        }
        // Where Quarkus's HTTP metrics read the path template (the uri tag), as RESTEasy Reactive leaves it.
        ContextLocals.put(URL_PATH_TEMPLATE, route.path().template());
        Cancellable answering = Uni.createFrom().deferred(() -> keys.authenticate(credential))
                .chain(principal -> principal.isEmpty() ? Uni.createFrom().item(RequestAuthentication.unauthenticated())
                        : admitted(principal.get(), context, route, path))
                // The route is the request's one subscriber: nothing else subscribes, so nothing else can answer it.
                .subscribe().with(response -> answer(context, response), failure -> answer(context, failure));
        if (route.mayWait()) {
            // The request ends without its answer when the connection closes first: a waiting claim stops waiting then.
            context.addEndHandler(ended -> {
                if (ended.failed()) {
                    answering.cancel();
                }
            });
            if (context.response().closed()) {
                answering.cancel();
            }
        }
    }

    /** The answer to an authenticated caller: over the policy {@code api}, refused the scope, or the endpoint's. */
    private <B> Uni<Response> admitted(Principal principal, RoutingContext context, Route<B> route, PathTemplate.Params path) {
        return apiQuota.limit(principal, false).chain(overQuota -> {
            if (overQuota != null) {
                return Uni.createFrom().item(overQuota);
            }
            if (route.body() == null || !BodyLimit.hasBody(context.request())) {
                return answer(principal, context, route, path, null);
            }
            EndpointAccess.require(principal, route.requires(), path.get("projectId"));
            Buffer[] whole = new Buffer[1];
            return BodyLimit.readWithin(context, maxBodyBytes, body -> whole[0] = body).chain(refused -> {
                if (refused != null) {
                    return Uni.createFrom().item(refused);
                }
                B body;
                try {
                    body = route.body().readValue(new ByteArrayInputStream(whole[0].getBytes()));
                } catch (MismatchedInputException e) {
                    // Nothing but whitespace (and a byte order mark): no body, as RESTEasy Reactive's JSON reader takes it.
                    if (e.getMessage() == null || !e.getMessage().startsWith(NO_CONTENT)) {
                        return Uni.createFrom().failure(e);
                    }
                    body = null;
                } catch (IOException e) {
                    return Uni.createFrom().failure(e);
                }
                return answer(principal, context, route, path, body);
            });
        });
    }

    private static <B> Uni<Response> answer(Principal principal, RoutingContext context, Route<B> route, PathTemplate.Params path,
            B body) {
        try {
            return route.endpoint().answer(principal, context, path, body);
        } catch (Exception e) {
            return Uni.createFrom().failure(e);
        }
    }

    /** Answers {@code failure} through the problem mappers; a mapper's own failure is the unexpected problem. */
    private void answer(RoutingContext context, Throwable failure) {
        Response response;
        try {
            response = problems.responseFor(failure);
        } catch (RuntimeException e) {
            response = problems.unexpected(e);
        }
        answer(context, response);
    }

    /** Writes {@code response}; should that fail, the unexpected problem, and at worst a bare 500: never no answer. */
    private void answer(RoutingContext context, Response response) {
        try {
            write(context, response);
        } catch (RuntimeException e) {
            try {
                write(context, problems.unexpected(e));
            } catch (RuntimeException again) {
                if (!context.response().ended() && !context.response().closed()) {
                    context.response().setStatusCode(500).end();
                }
            }
        }
    }

    /** Writes {@code response} as RESTEasy Reactive would: status, headers, and the entity as is or as JSON. */
    private void write(RoutingContext context, Response response) {
        HttpServerResponse out = context.response();
        if (out.ended() || out.closed()) {
            return;
        }
        String body = entityOf(response);
        out.setStatusCode(response.getStatus());
        // Each value as RESTEasy Reactive writes it (HeaderUtil, its header delegates), without the copy of every header
        // as text that getStringHeaders() builds first.
        for (Map.Entry<String, List<Object>> header : response.getHeaders().entrySet()) {
            List<Object> values = header.getValue();
            if (values.size() == 1) {
                out.putHeader(header.getKey(), headerText(values.get(0)));
            } else {
                List<String> texts = new ArrayList<>(values.size());
                for (Object value : values) {
                    texts.add(headerText(value));
                }
                out.putHeader(header.getKey(), texts);
            }
        }
        if (body == null) {
            out.end();
            return;
        }
        if (!out.headers().contains(HttpHeaders.CONTENT_TYPE)) {
            out.putHeader("Content-Type", JSON);
        }
        out.end(body);
    }

    /**
     * A header's value as RESTEasy Reactive writes it ({@link HeaderUtil}, through its header delegates); the JSON
     * media type most answers name as it is written, without building it again.
     */
    private static String headerText(Object value) {
        return value == MediaType.APPLICATION_JSON_TYPE ? MediaType.APPLICATION_JSON : HeaderUtil.headerToString(value);
    }

    /**
     * A path made absolute against the request's scheme, authority and the router's mount point (the
     * root path), as RESTEasy Reactive's response builder makes a {@code Location} within its request
     * (outside one, as here, it cannot: it needs RESTEasy's request context).
     */
    static String absolute(RoutingContext context, String path) {
        HttpServerRequest request = context.request();
        HostAndPort authority = request.authority();
        String within = mountPrefix(context) + path;
        if (authority == null) {
            return within;
        }
        return request.scheme() + "://" + authority.host() + (authority.port() >= 0 ? ":" + authority.port() : "") + within;
    }

    /** The response's entity as it goes out: a text as it is, anything else as JSON; null for none. */
    private String entityOf(Response response) {
        Object entity = response.getEntity();
        try {
            return entity == null ? null : entity instanceof String text ? text : json.writeValueAsString(entity);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("an answer that does not serialize", e);
        }
    }

    /**
     * Whether an {@code Accept} header admits JSON: absent, or naming {@code application/json},
     * {@code application/*} or {@code *}{@code /*} without {@code q=0}. Anything else is RESTEasy's to
     * negotiate (and refuse).
     */
    static boolean acceptsJson(String accept) {
        if (accept == null) {
            return true;
        }
        for (String range : accept.split(",")) {
            String[] parts = range.split(";");
            String type = parts[0].trim().toLowerCase(Locale.ROOT);
            if (!type.equals("application/json") && !type.equals("application/*") && !type.equals("*/*")) {
                continue;
            }
            boolean refused = false;
            for (int i = 1; i < parts.length; i++) {
                String parameter = parts[i].replace(" ", "").toLowerCase(Locale.ROOT);
                refused |= parameter.startsWith("q=") && parameter.matches("q=0(\\.0*)?");
            }
            if (!refused) {
                return true;
            }
        }
        return false;
    }

    /** Whether a {@code Content-Type} is JSON in UTF-8: {@code application/json}, with at most {@code charset=utf-8}. */
    static boolean isJson(String contentType) {
        if (contentType == null) {
            return false;
        }
        String[] parts = contentType.split(";");
        if (!parts[0].trim().equalsIgnoreCase("application/json")) {
            return false;
        }
        for (int i = 1; i < parts.length; i++) {
            String parameter = parts[i].replace(" ", "").replace("\"", "").toLowerCase(Locale.ROOT);
            if (!parameter.equals("charset=utf-8")) {
                return false;
            }
        }
        return true;
    }
}
