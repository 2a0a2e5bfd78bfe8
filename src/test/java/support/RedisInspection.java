package support;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** What tests read straight from Redis to check an adapter's key space: never used by the service. */
public final class RedisInspection {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private RedisInspection() {
    }

    /** Every key matching the glob, by SCAN (tests only: the service itself never walks the key space). */
    public static List<String> keys(ReactiveRedisDataSource redis, String glob) {
        List<String> keys = new ArrayList<>();
        String cursor = "0";
        do {
            Response reply = redis.execute(Command.SCAN, cursor, "MATCH", glob, "COUNT", "1000").await().atMost(WAIT);
            cursor = reply.get(0).toString();
            reply.get(1).forEach(k -> keys.add(k.toString()));
        } while (!cursor.equals("0"));
        return keys;
    }

    /** The integer reply of one command. */
    public static long integer(ReactiveRedisDataSource redis, Command command, String... args) {
        return redis.execute(command, args).await().atMost(WAIT).toLong();
    }
}
