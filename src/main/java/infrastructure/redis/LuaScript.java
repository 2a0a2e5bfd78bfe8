package infrastructure.redis;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.vertx.UniHelper;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * One Lua script from {@code src/main/resources/lua/}, run with EVALSHA and loaded with EVAL only
 * when the server does not know it yet (first call, or after a restart or SCRIPT FLUSH).
 */
final class LuaScript {

    /** Every script loaded from the class path so far (each adapter loads its own once): what a warm-up preloads. */
    private static final List<LuaScript> LOADED = new CopyOnWriteArrayList<>();

    /** A line naming a library whose text takes its place: {@code -- #include lib_task_queue}. */
    private static final String INCLUDE = "-- #include ";

    /** A line of a script that calls no command that writes, and includes no library: it never waits for replicas. */
    static final String READ_ONLY = "-- read-only";

    private final String name;
    private final String source;
    private final String sha1;
    private final boolean readOnly;

    private LuaScript(String name, String source) {
        this.name = name;
        this.source = source;
        this.sha1 = sha1(source);
        this.readOnly = source.lines().anyMatch(line -> line.strip().equals(READ_ONLY));
    }

    /**
     * Loads {@code lua/<name>.lua} from the class path, with every line {@code -- #include <library>}
     * replaced by the text of {@code lua/<library>.lua}: rules several scripts share are written once,
     * and the server still receives one self-contained script.
     */
    static LuaScript load(String name) {
        LuaScript script = new LuaScript(name, withIncludes(read(name)));
        LOADED.add(script);
        return script;
    }

    private static String withIncludes(String source) {
        StringBuilder out = new StringBuilder(source.length());
        for (String line : source.split("\n", -1)) {
            if (line.startsWith(INCLUDE)) {
                out.append(read(line.substring(INCLUDE.length()).trim()));
            } else {
                out.append(line).append('\n');
            }
        }
        return out.substring(0, out.length() - 1);
    }

    private static String read(String name) {
        String path = "lua/" + name + ".lua";
        try (InputStream in = LuaScript.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("missing script " + path);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read script " + path, e);
        }
    }

    /**
     * Runs the script with every key it touches in {@code keys}; each argument is a {@code String}
     * (sent as UTF-8) or a {@code byte[]} (sent as it is: stored values are binary).
     */
    Uni<Response> run(ReactiveRedisDataSource redis, List<String> keys, List<?> args) {
        return send(redis, request(Command.EVALSHA, sha1, keys, args))
                .onFailure(LuaScript::isNoScript)
                .recoverWithUni(() -> send(redis, request(Command.EVAL, source, keys, args)));
    }

    /** A read-only script never waits for replicas ({@link RedisReplicaWait}): it wrote nothing they could lack. */
    private Uni<Response> send(ReactiveRedisDataSource redis, Request request) {
        if (readOnly && redis.getRedis().getDelegate() instanceof RedisReplicaWait replicas) {
            return UniHelper.toUni(replicas.unwaited(request.getDelegate())).map(Response::newInstance);
        }
        return redis.getRedis().send(request);
    }

    /** Whether the script says it is read-only (a line {@value #READ_ONLY}). */
    boolean readOnly() {
        return readOnly;
    }

    /** Loads the script into the server's cache (SCRIPT LOAD), so that its first EVALSHA finds it. */
    Uni<Void> preload(ReactiveRedisDataSource redis) {
        return redis.execute(Command.SCRIPT, "LOAD", source).replaceWithVoid();
    }

    /** Every script the adapters loaded so far. */
    static List<LuaScript> loaded() {
        return List.copyOf(LOADED);
    }

    String name() {
        return name;
    }

    /** The script as the server receives it, libraries included. */
    String source() {
        return source;
    }

    private static Request request(Command command, String script, List<String> keys, List<?> args) {
        Request request = Request.cmd(command).arg(script).arg(keys.size());
        for (String k : keys) {
            request.arg(k);
        }
        for (Object a : args) {
            if (a instanceof byte[] bytes) {
                request.arg(bytes);
            } else {
                request.arg((String) a);
            }
        }
        return request;
    }

    private static boolean isNoScript(Throwable failure) {
        String message = failure.getMessage();
        return message != null && message.startsWith("NOSCRIPT");
    }

    private static String sha1(String source) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-1").digest(source.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime provides SHA-1", e);
        }
    }
}
