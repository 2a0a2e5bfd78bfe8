package support;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

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

    /**
     * Calls per command since the server started ({@code INFO commandstats}), by command name.
     * Redis counts the commands a script runs too; the script calls themselves are the round trips.
     */
    public static Map<String, Long> commandCalls(ReactiveRedisDataSource redis) {
        String info = redis.execute(Command.INFO, "commandstats").await().atMost(WAIT).toString();
        Map<String, Long> calls = new HashMap<>();
        info.lines().filter(l -> l.startsWith("cmdstat_")).forEach(l -> {
            String command = l.substring("cmdstat_".length(), l.indexOf(':'));
            String stats = l.substring(l.indexOf(':') + 1);
            calls.put(command, Long.parseLong(stats.substring(stats.indexOf("calls=") + 6, stats.indexOf(','))));
        });
        return calls;
    }

    /** The integer reply of one command. */
    public static long integer(ReactiveRedisDataSource redis, Command command, String... args) {
        return redis.execute(command, args).await().atMost(WAIT).toLong();
    }
}
