package infrastructure.rest;

import infrastructure.config.SpanRedaction;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.semconv.ClientAttributes;
import io.opentelemetry.semconv.ErrorAttributes;
import io.opentelemetry.semconv.HttpAttributes;
import io.opentelemetry.semconv.NetworkAttributes;
import io.opentelemetry.semconv.ServerAttributes;
import io.opentelemetry.semconv.UrlAttributes;
import io.opentelemetry.semconv.UserAgentAttributes;
import io.quarkus.arc.ClientProxy;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.net.HostAndPort;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.util.Set;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The span of every request to the service's API: kind server, named {@code <method> <route>}, a
 * child of the caller's trace when its headers carry one, current for the whole request (its use
 * case spans are its children, its log lines carry its trace id).
 *
 * <p>It replaces the span Quarkus's Vert.x instrumentation makes ({@code quarkus.otel.instrument.vertx-http},
 * off in application.properties) for one reason: cost. That one reads and formats every HTTP
 * attribute of a request (a URI parsed twice, the forwarding headers, the peer's address) before it
 * asks the sampler, so a request the sampler leaves out, nine in ten by default, paid for all of
 * them: about a tenth of a cache read's CPU (docs/benchmarks.md). Here the sampler is asked first
 * and the attributes are read only for a span that records. Paths and queries are recorded redacted
 * ({@code SpanRedaction}). Quarkus's own endpoints under {@code /q/} get no span, as Quarkus leaves
 * them out by default; nor does a request the HTTP decoder refuses before any route (a 414 or 431).
 * The sampler decides on the trace alone (no attribute is read yet), so Quarkus's settings that drop
 * spans by path ({@code quarkus.otel.traces.suppress-application-uris}) do not apply here.
 * With {@code QUARKUS_OTEL_INSTRUMENT_VERTX_HTTP=true} Quarkus's span is made instead, and none here.
 */
@Singleton
public class RequestSpans {

    /** First of all the service's handlers, so that the span covers every answer, the edge's refusals included. */
    static final int ORDER = BrowserCors.ORDER - 1;
    /** The route of a request no route matched, as Quarkus's instrumentation names it. */
    private static final String NO_ROUTE = "/*";
    /** The methods the semantic conventions name; any other is {@value #OTHER_METHOD}, its own name kept apart. */
    private static final Set<String> KNOWN_METHODS = Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH");
    private static final String OTHER_METHOD = "_OTHER";

    private static final TextMapGetter<HttpServerRequest> HEADERS = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(HttpServerRequest carrier) {
            return carrier.headers().names();
        }

        @Override
        public String get(HttpServerRequest carrier, String key) {
            return carrier == null ? null : carrier.getHeader(key);
        }
    };

    private final boolean enabled;
    private final Tracer tracer;
    private final TextMapPropagator propagator;
    /** Where Quarkus serves its own endpoints (health, metrics, OpenAPI), {@code /q/} by default. */
    private final String nonApplication;

    public RequestSpans(OpenTelemetry telemetry, Tracer tracer,
            @ConfigProperty(name = "quarkus.otel.sdk.disabled", defaultValue = "false") boolean sdkDisabled,
            @ConfigProperty(name = "quarkus.otel.instrument.vertx-http", defaultValue = "true") boolean quarkusSpans,
            @ConfigProperty(name = "quarkus.http.non-application-root-path", defaultValue = "q") String nonApplication) {
        this.enabled = !sdkDisabled && !quarkusSpans;
        // The tracer itself, not its client proxy, which looks its bean up on every request.
        this.tracer = ClientProxy.unwrap(tracer);
        this.propagator = telemetry.getPropagators().getTextMapPropagator();
        String root = nonApplication.replaceAll("^/+|/+$", "");
        this.nonApplication = root.isEmpty() ? null : "/" + root + "/";
    }

    void install(@Observes Router router) {
        if (enabled) {
            router.route().order(ORDER).handler(this::open);
        }
    }

    private void open(RoutingContext routing) {
        HttpServerRequest request = routing.request();
        // As the router matched it: "/a/./b" and "%2e" segments resolved, so that redaction sees what routing saw.
        String path = routing.normalizedPath();
        if (path == null || nonApplication != null && path.startsWith(nonApplication)) {
            routing.next();
            return;
        }
        Context parent = propagator.extract(Context.root(), request, HEADERS);
        String method = KNOWN_METHODS.contains(request.method().name()) ? request.method().name() : OTHER_METHOD;
        Span span = tracer.spanBuilder(method.equals(OTHER_METHOD) ? "HTTP" : method).setParent(parent)
                .setSpanKind(SpanKind.SERVER).startSpan();
        boolean recording = span.isRecording();
        if (recording) {
            describe(span, request, method, path);
        }
        Scope scope = parent.with(span).makeCurrent();
        io.vertx.core.Context requestContext = Vertx.currentContext();
        routing.addEndHandler(ended -> {
            try {
                if (recording) {
                    String route = requestContext == null ? null : requestContext.getLocal(DirectRoutes.URL_PATH_TEMPLATE);
                    close(span, method, route, routing.response(), ended.failed() ? ended.cause() : null);
                }
            } finally {
                scope.close();
            }
        });
        routing.next();
    }

    /** What the request says of itself, as the semantic conventions name it; the path and query redacted. */
    private static void describe(Span span, HttpServerRequest request, String method, String path) {
        span.setAttribute(HttpAttributes.HTTP_REQUEST_METHOD, method);
        if (method.equals(OTHER_METHOD)) {
            span.setAttribute(HttpAttributes.HTTP_REQUEST_METHOD_ORIGINAL, request.method().name());
        }
        span.setAttribute(UrlAttributes.URL_SCHEME, request.scheme());
        span.setAttribute(UrlAttributes.URL_PATH, SpanRedaction.path(path));
        String query = request.query();
        if (query != null && !query.isEmpty()) {
            span.setAttribute(UrlAttributes.URL_QUERY, SpanRedaction.query(query));
        }
        HostAndPort authority = request.authority();
        if (authority != null) {
            span.setAttribute(ServerAttributes.SERVER_ADDRESS, authority.host());
            if (authority.port() > 0) {
                span.setAttribute(ServerAttributes.SERVER_PORT, authority.port());
            }
        }
        SocketAddress peer = request.remoteAddress();
        if (peer != null && peer.host() != null) {
            span.setAttribute(ClientAttributes.CLIENT_ADDRESS, peer.host());
            span.setAttribute(NetworkAttributes.NETWORK_PEER_ADDRESS, peer.host());
            span.setAttribute(NetworkAttributes.NETWORK_PEER_PORT, peer.port());
        }
        span.setAttribute(NetworkAttributes.NETWORK_PROTOCOL_VERSION, switch (request.version()) {
            case HTTP_1_0 -> "1.0";
            case HTTP_1_1 -> "1.1";
            case HTTP_2 -> "2";
        });
        String agent = request.getHeader(HttpHeaders.USER_AGENT);
        if (agent != null) {
            span.setAttribute(UserAgentAttributes.USER_AGENT_ORIGINAL, agent);
        }
    }

    /**
     * The answer: its route (the template RESTEasy or {@link DirectRoutes} matched), status and, for
     * a 5xx or a request the connection ended before its answer, the error; then the span ends.
     */
    private static void close(Span span, String method, String route, HttpServerResponse response, Throwable failure) {
        int status = response.getStatusCode();
        String matched = route;
        if (matched == null && status == 404) {
            matched = NO_ROUTE;
        }
        if (matched != null) {
            span.setAttribute(HttpAttributes.HTTP_ROUTE, matched);
            span.updateName((method.equals(OTHER_METHOD) ? "HTTP" : method) + " " + matched);
        }
        if (failure != null || !response.ended()) {
            span.setAttribute(ErrorAttributes.ERROR_TYPE, failure == null ? "closed" : failure.getClass().getName());
            span.setStatus(StatusCode.ERROR);
        } else {
            span.setAttribute(HttpAttributes.HTTP_RESPONSE_STATUS_CODE, status);
            if (status >= 500) {
                span.setAttribute(ErrorAttributes.ERROR_TYPE, Integer.toString(status));
                span.setStatus(StatusCode.ERROR);
            }
        }
        span.end();
    }
}
