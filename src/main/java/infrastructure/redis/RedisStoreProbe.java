package infrastructure.redis;

import domain.StoreUnavailableException;
import domain.store.EvictionPolicy;
import domain.store.SlowCommand;
import domain.store.StoreProbe;
import domain.store.StoreSecurity;
import domain.store.StoreStatus;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.Multi;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.RedisConnection;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The store probe on Redis: on each node holding keys (every master of a cluster), one PING (timed),
 * {@code INFO server} and {@code INFO memory}, and
 * {@code SLOWLOG LEN} / {@code SLOWLOG GET}, of which only command names and durations are kept.
 * Each call waits at most the probe timeout; a server that refuses INFO or SLOWLOG (a managed
 * Redis, say) is reported with what it did tell.
 */
public final class RedisStoreProbe implements StoreProbe {

    /** Slow commands reported, newest first. */
    static final int SLOW_COMMANDS = 10;

    private final ReactiveRedisDataSource redis;
    private final Duration timeout;
    private final java.util.function.Supplier<RedisConnectionFacts> connection;
    /** The nodes holding keys, each probed on its own (the masters of a cluster); null: the data source's one node. */
    private final RedisTrackedNodes nodes;

    public RedisStoreProbe(ReactiveRedisDataSource redis, Duration timeout) {
        this(redis, timeout, () -> RedisConnectionFacts.UNKNOWN, null);
    }

    /**
     * @param connection what the client's options say about its connections, read at each probe
     * @param nodes      the nodes holding keys: on a cluster each master is probed and the report hides no
     *                   master's trouble ({@link StoreStatus#across}); null probes the data source's node
     */
    public RedisStoreProbe(ReactiveRedisDataSource redis, Duration timeout, java.util.function.Supplier<RedisConnectionFacts> connection,
            RedisTrackedNodes nodes) {
        this.redis = redis;
        this.timeout = timeout;
        this.connection = connection;
        this.nodes = nodes;
    }

    /** One node to probe: a command and its arguments, answered within the probe timeout. */
    @FunctionalInterface
    private interface Node {
        Uni<Response> call(Command command, String... args);
    }

    @Override
    public Uni<StoreStatus> probe() {
        Node any = this::call;
        if (nodes == null) {
            return probe(any);
        }
        return nodes.topology().ifNoItem().after(timeout).failWith(() -> new StoreUnavailableException("redis did not tell "
                        + "its cluster's masters in time", null))
                .chain(topology -> topology == null ? probe(any) : nodes.connect(topology, timeout)
                        .chain(connections -> Multi.createFrom().iterable(connections)
                                .onItem().transformToUniAndConcatenate(connection -> probe((command, args) -> call(connection, command, args)))
                                .collect().asList()
                                .eventually(() -> Multi.createFrom().iterable(connections)
                                        .onItem().transformToUniAndConcatenate(c -> c.close().onFailure().recoverWithNull())
                                        .collect().last())
                                .map(statuses -> StoreStatus.across(statuses, SLOW_COMMANDS))))
                // A master that cannot be reached is the report's news, never hidden behind what the others say.
                .onFailure(failure -> !(failure instanceof StoreUnavailableException))
                .transform(failure -> new StoreUnavailableException("a Redis Cluster master could not be probed: " + failure.getMessage(),
                        failure));
    }

    private Uni<StoreStatus> probe(Node node) {
        return Uni.createFrom().deferred(() -> {
            long start = System.nanoTime();
            return node.call(Command.PING).chain(pong -> {
                Duration latency = Duration.ofNanos(System.nanoTime() - start);
                Uni<Map<String, String>> info = node.call(Command.INFO, "server").chain(server -> node.call(Command.INFO, "memory")
                                .map(memory -> fields(server.toString() + "\n" + memory.toString())))
                        .onFailure().recoverWithItem(Map.of());
                Uni<Long> slowlogLength = node.call(Command.SLOWLOG, "LEN").map(Response::toLong).onFailure().recoverWithItem(0L);
                Uni<List<SlowCommand>> slow = node.call(Command.SLOWLOG, "GET", Integer.toString(SLOW_COMMANDS))
                        .map(RedisStoreProbe::slowCommands).onFailure().recoverWithItem(List.of());
                // Who the service is; protected-mode only as the default user: a user of its own is not granted CONFIG
                // (it would read requirepass), and each refusal would be a line in Redis's ACL LOG.
                Uni<Optional<String>> user = node.call(Command.ACL, "WHOAMI").map(who -> Optional.of(who.toString()))
                        .onFailure().recoverWithItem(Optional.empty());
                Uni<Security> security = user.chain(who -> who.isPresent() && !who.get().equals("default")
                        ? Uni.createFrom().item(new Security(who, Optional.empty()))
                        : node.call(Command.CONFIG, "GET", "protected-mode").map(RedisStoreProbe::protectedMode)
                                .onFailure().recoverWithItem(Optional.empty())
                                .map(mode -> new Security(who, mode)));
                return Uni.combine().all().unis(info, slowlogLength, slow, security)
                        .with((fields, length, commands, asked) -> {
                            EvictionPolicy eviction = Optional.ofNullable(fields.get("maxmemory_policy")).map(EvictionPolicy::new)
                                    .orElse(EvictionPolicy.UNKNOWN);
                            RedisConnectionFacts facts = connection.get();
                            StoreSecurity.Auth auth = asked.user().isPresent() && !asked.user().get().equals("default")
                                    ? StoreSecurity.Auth.ACL_USER
                                    : facts.password().map(p -> p ? StoreSecurity.Auth.PASSWORD : StoreSecurity.Auth.NONE)
                                            .orElse(StoreSecurity.Auth.UNKNOWN);
                            return new StoreStatus("redis", Optional.ofNullable(fields.get("redis_version")), latency,
                                    number(fields.get("used_memory")), number(fields.get("maxmemory")), eviction, commands, length,
                                    Optional.of(StoreSecurity.assess(facts.tls(), facts.plainRemote(), auth, asked.user(),
                                            asked.protectedMode(), eviction)));
                        });
            });
        });
    }

    private Uni<Response> call(Command command, String... args) {
        return within(redis.execute(command, args), command);
    }

    private Uni<Response> call(RedisConnection connection, Command command, String... args) {
        Request request = Request.cmd(command);
        for (String arg : args) {
            request.arg(arg);
        }
        return within(connection.send(request), command);
    }

    private Uni<Response> within(Uni<Response> answer, Command command) {
        return answer
                .ifNoItem().after(timeout).failWith(() -> new StoreUnavailableException("redis did not answer " + command + " in time", null))
                .onFailure().transform(RedisFailures::translate);
    }

    /** What the store said of the service's user and its protected-mode, each empty when it did not. */
    private record Security(Optional<String> user, Optional<Boolean> protectedMode) {
    }

    /** {@code CONFIG GET protected-mode} answers the name and its value (a map in RESP3, a list in RESP2). */
    private static Optional<Boolean> protectedMode(Response answer) {
        Response value = null;
        try {
            value = answer.get("protected-mode");
        } catch (RuntimeException notAMap) {
            // RESP2: [name, value]
        }
        if (value == null && answer.size() >= 2) {
            value = answer.get(1);
        }
        return value == null ? Optional.empty() : Optional.of(value.toString().equalsIgnoreCase("yes"));
    }

    /** The {@code field:value} lines of INFO. */
    static Map<String, String> fields(String info) {
        Map<String, String> fields = new HashMap<>();
        info.lines().forEach(line -> {
            int colon = line.indexOf(':');
            if (colon > 0 && !line.startsWith("#")) {
                fields.put(line.substring(0, colon), line.substring(colon + 1).strip());
            }
        });
        return fields;
    }

    /** Each SLOWLOG entry is [id, unix seconds, microseconds, [command, args...], ...]: keep the command name only. */
    private static List<SlowCommand> slowCommands(Response log) {
        List<SlowCommand> commands = new ArrayList<>(log.size());
        for (Response entry : log) {
            Response args = entry.get(3);
            String command = args.size() > 0 ? args.get(0).toString().toUpperCase(Locale.ROOT) : "?";
            commands.add(new SlowCommand(command, Duration.ofNanos(entry.get(2).toLong() * 1_000),
                    Instant.ofEpochSecond(entry.get(1).toLong())));
        }
        return commands;
    }

    private static long number(String value) {
        try {
            return value == null ? 0 : Long.parseLong(value);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
