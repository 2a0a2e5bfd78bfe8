package observability;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.trace.data.SpanData;
import support.TracingProfile;

/** Recognises the Redis client's own span per command, and a profile that turns those spans back on. */
final class RedisCommandSpans {

    private static final AttributeKey<String> DB_SYSTEM = AttributeKey.stringKey("db.system");
    private static final AttributeKey<String> DB_SYSTEM_NAME = AttributeKey.stringKey("db.system.name");

    private RedisCommandSpans() {
    }

    /** A client span of the Redis client: one command sent to Redis (old or stable semantic conventions). */
    static boolean isRedisCommand(SpanData span) {
        return span.getKind() == SpanKind.CLIENT
                && ("redis".equals(span.getAttributes().get(DB_SYSTEM)) || "redis".equals(span.getAttributes().get(DB_SYSTEM_NAME)));
    }

    /** {@link TracingProfile} with the documented setting that brings the span per Redis command back. */
    public static class On extends TracingProfile {

        @Override
        public java.util.Map<String, String> getConfigOverrides() {
            java.util.Map<String, String> overrides = new java.util.HashMap<>(super.getConfigOverrides());
            overrides.put("quarkus.otel.instrument.vertx-redis-client", "true");
            return overrides;
        }
    }
}
