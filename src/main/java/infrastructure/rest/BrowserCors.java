package infrastructure.rest;

import infrastructure.config.CorsConfig;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Cross-origin access (CORS) for the browser-facing reads only, on Vert.x's router before
 * authentication, so that a preflight, which carries no credential, gets its answer rather than
 * a 401. Quarkus's own {@code quarkus.http.cors} applies one rule to every path, and would expose
 * the cache, keys and tasks to pages as well; this exposes a project's progress list, an
 * operation's state and events, and the session's own path, to the configured origins.
 *
 * <p>A preflight ({@code OPTIONS} with {@code Access-Control-Request-Method}) under {@code /v1} is
 * answered here, never by a resource: 204 with the grant when the path is browser-facing and the
 * origin, method and headers are allowed; else 403 {@code cors-refused}, with no CORS header. An
 * actual request from an allowed origin to a browser-facing path gets
 * {@code Access-Control-Allow-Origin} (and {@code -Credentials} when configured) on every answer,
 * errors included, so that the page can read them; every answer of those paths varies by origin.
 */
@Singleton
public class BrowserCors {

    /** Before the edge's size checks and before authentication (a RESTEasy filter, after the router's handlers). */
    static final int ORDER = HttpEdge.ORDER - 1;

    /** A project's operations, one operation, and its events: GET. */
    private static final Pattern PROGRESS_READS = Pattern.compile("/v1/projects/[^/]+/progress(?:/[^/]+(?:/events)?)?/?");
    /** The session's own path: read it (GET) and log out (DELETE). */
    private static final Pattern SESSION_PATH = Pattern.compile("/v1/sessions/current/?");
    /** An origin as a browser serializes it: scheme, host, optional port; no path. */
    private static final Pattern ORIGIN = Pattern.compile("https?://[^/\\s?#]+");

    private static final String REQUEST_METHOD = "Access-Control-Request-Method";
    private static final String REQUEST_HEADERS = "Access-Control-Request-Headers";

    private final Set<String> origins;
    private final boolean credentials;
    private final Set<String> headers;
    private final String headerList;
    private final Set<HttpMethod> methods;
    private final String maxAgeSeconds;
    private final HttpEdge edge;

    public BrowserCors(CorsConfig config, HttpEdge edge) {
        this.origins = config.origins().orElse(List.of()).stream().map(String::trim).filter(o -> !o.isEmpty())
                .map(BrowserCors::validOrigin).collect(Collectors.toUnmodifiableSet());
        this.credentials = config.allowCredentials();
        this.headers = config.allowedHeaders().stream().map(h -> h.trim().toLowerCase(Locale.ROOT)).filter(h -> !h.isEmpty())
                .collect(Collectors.toUnmodifiableSet());
        this.headerList = config.allowedHeaders().stream().map(String::trim).filter(h -> !h.isEmpty()).collect(Collectors.joining(", "));
        this.methods = config.allowedMethods().stream().map(m -> HttpMethod.valueOf(m.trim().toUpperCase(Locale.ROOT)))
                .collect(Collectors.toUnmodifiableSet());
        this.maxAgeSeconds = Long.toString(config.maxAge().toSeconds());
        this.edge = edge;
    }

    private static String validOrigin(String origin) {
        if (!ORIGIN.matcher(origin).matches()) {
            throw new IllegalArgumentException("cache-domain.cors.origins: '" + origin
                    + "' is no origin; write it as a browser sends it, scheme://host[:port], with no path, no wildcard");
        }
        return origin.toLowerCase(Locale.ROOT);
    }

    void install(@Observes Router router) {
        router.route().order(ORDER).handler(this::handle);
    }

    private void handle(RoutingContext context) {
        HttpServerRequest request = context.request();
        String path = request.path();
        if (path == null || !path.startsWith("/v1/")) {
            context.next();
            return;
        }
        String origin = request.getHeader(HttpHeaders.ORIGIN);
        if (request.method() == HttpMethod.OPTIONS && origin != null && request.getHeader(REQUEST_METHOD) != null) {
            preflight(context.response(), path, origin, request.getHeader(REQUEST_METHOD), request.getHeader(REQUEST_HEADERS));
            return;
        }
        Set<HttpMethod> offered = browserMethods(path);
        if (!offered.isEmpty()) {
            boolean granted = origin != null && offered.contains(request.method()) && allowed(origin);
            HttpServerResponse response = context.response();
            // At the end of the headers, so that the resource's answer, whatever it sets, keeps these.
            context.addHeadersEndHandler(ignored -> {
                vary(response, "Origin");
                if (granted) {
                    response.putHeader(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, origin);
                    if (credentials) {
                        response.putHeader(HttpHeaders.ACCESS_CONTROL_ALLOW_CREDENTIALS, "true");
                    }
                }
            });
        }
        context.next();
    }

    private void preflight(HttpServerResponse response, String path, String origin, String method, String requestedHeaders) {
        Set<HttpMethod> offered = browserMethods(path);
        if (offered.isEmpty()) {
            refuse(response, "only the browser-facing reads (progress, the session's own path) take cross-origin requests");
            return;
        }
        if (!allowed(origin)) {
            refuse(response, "the origin is not among cache-domain.cors.origins");
            return;
        }
        HttpMethod wanted;
        try {
            wanted = HttpMethod.valueOf(method.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            wanted = null;
        }
        if (wanted == null || !offered.contains(wanted)) {
            refuse(response, "this path takes " + names(offered) + " from other origins");
            return;
        }
        if (requestedHeaders != null) {
            for (String header : requestedHeaders.split(",")) {
                String name = header.trim().toLowerCase(Locale.ROOT);
                if (!name.isEmpty() && !headers.contains(name)) {
                    refuse(response, "the header " + name + " is not among cache-domain.cors.allowed-headers");
                    return;
                }
            }
        }
        response.setStatusCode(204)
                .putHeader(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, origin)
                .putHeader(HttpHeaders.ACCESS_CONTROL_ALLOW_METHODS, names(offered))
                .putHeader(HttpHeaders.ACCESS_CONTROL_MAX_AGE, maxAgeSeconds)
                .putHeader(HttpHeaders.VARY, "Origin, Access-Control-Request-Method, Access-Control-Request-Headers");
        if (!headerList.isEmpty()) {
            response.putHeader(HttpHeaders.ACCESS_CONTROL_ALLOW_HEADERS, headerList);
        }
        if (credentials) {
            response.putHeader(HttpHeaders.ACCESS_CONTROL_ALLOW_CREDENTIALS, "true");
        }
        response.end();
    }

    private void refuse(HttpServerResponse response, String detail) {
        response.putHeader(HttpHeaders.VARY, "Origin, Access-Control-Request-Method, Access-Control-Request-Headers");
        edge.answer(response, Problem.Type.CORS_REFUSED.with(detail), false);
    }

    /** The methods the path offers pages of other origins, as configured; none for any other path. */
    private Set<HttpMethod> browserMethods(String path) {
        // Most requests are the cache's: they leave without a regular expression.
        if (!path.contains("/progress") && !path.startsWith("/v1/sessions/")) {
            return Set.of();
        }
        Set<HttpMethod> offered = new LinkedHashSet<>();
        if (PROGRESS_READS.matcher(path).matches()) {
            offered.add(HttpMethod.GET);
        } else if (SESSION_PATH.matcher(path).matches()) {
            offered.add(HttpMethod.GET);
            offered.add(HttpMethod.DELETE);
        }
        offered.retainAll(methods);
        return offered;
    }

    private boolean allowed(String origin) {
        return origins.contains(origin.toLowerCase(Locale.ROOT));
    }

    private static String names(Set<HttpMethod> methods) {
        return methods.stream().map(HttpMethod::name).collect(Collectors.joining(", "));
    }

    private static void vary(HttpServerResponse response, String header) {
        String vary = response.headers().get(HttpHeaders.VARY);
        if (vary == null || vary.isBlank()) {
            response.putHeader(HttpHeaders.VARY, header);
        } else if (!vary.toLowerCase(Locale.ROOT).contains(header.toLowerCase(Locale.ROOT))) {
            response.putHeader(HttpHeaders.VARY, vary + ", " + header);
        }
    }
}
