package infrastructure.config;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SpanProcessor;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Keeps tenant data out of the HTTP server spans that the tracing instrumentation records: a cache
 * key or a rate limit identifier in the path becomes its placeholder, and query values (patterns,
 * cursors) are dropped, before any exporter sees the span. Tokens and API keys never reach a span
 * at all: they travel in headers, which are not recorded.
 */
@Singleton
public class SpanRedaction implements SpanProcessor {

    static final AttributeKey<String> URL_PATH = AttributeKey.stringKey("url.path");
    static final AttributeKey<String> URL_QUERY = AttributeKey.stringKey("url.query");
    static final String REDACTED = "redacted";

    /** Path templates whose last segment is tenant data, with its placeholder. */
    private static final List<Redaction> PATHS = List.of(
            new Redaction(Pattern.compile("^(/v1/projects/[^/]+/cache/)[^/]+$"), "{key}"),
            new Redaction(Pattern.compile("^(/v1/projects/[^/]+/rate-limits/[^/]+/[^/]+/)[^/]+$"), "{identifier}"));

    private record Redaction(Pattern pattern, String placeholder) {
    }

    /** The path with tenant data replaced by placeholders. */
    public static String path(String path) {
        for (Redaction r : PATHS) {
            var m = r.pattern().matcher(path);
            if (m.matches()) {
                return m.group(1) + r.placeholder();
            }
        }
        return path;
    }

    /** The query with every value replaced, names kept: {@code pattern=redacted&limit=redacted}; a bare part is {@code redacted}. */
    public static String query(String query) {
        return Stream.of(query.split("&"))
                // A part without "=" may be a value too (a bare cursor, a key): only its being there is kept.
                .map(pair -> pair.contains("=") ? pair.substring(0, pair.indexOf('=')) + "=" + REDACTED : REDACTED)
                .collect(Collectors.joining("&"));
    }

    @Override
    public void onStart(Context parentContext, ReadWriteSpan span) {
        String path = span.getAttribute(URL_PATH);
        if (path != null) {
            String redacted = path(path);
            if (!redacted.equals(path)) {
                span.setAttribute(URL_PATH, redacted);
            }
        }
        String query = span.getAttribute(URL_QUERY);
        if (query != null && !query.isEmpty()) {
            span.setAttribute(URL_QUERY, query(query));
        }
    }

    @Override
    public boolean isStartRequired() {
        return true;
    }

    @Override
    public void onEnd(ReadableSpan span) {
    }

    @Override
    public boolean isEndRequired() {
        return false;
    }
}
