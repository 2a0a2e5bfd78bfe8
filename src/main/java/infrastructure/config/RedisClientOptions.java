package infrastructure.config;

import io.quarkus.redis.client.RedisOptionsCustomizer;
import io.quarkus.redis.runtime.client.config.RedisConfig;
import io.vertx.redis.client.RedisOptions;
import jakarta.inject.Singleton;

/**
 * Keeps a copy of the options Quarkus made the default Redis client with (hosts, client type,
 * credentials, TLS), changing nothing: the near cache makes a client of its own per cluster master
 * from them.
 */
@Singleton
public class RedisClientOptions implements RedisOptionsCustomizer {

    private volatile RedisOptions defaultClient;

    @Override
    public void customize(String clientName, RedisOptions options) {
        if (RedisConfig.isDefaultClient(clientName)) {
            defaultClient = new RedisOptions(options);
        }
    }

    /** The default client's options, once it was made; null before. */
    public RedisOptions defaultClient() {
        return defaultClient;
    }
}
