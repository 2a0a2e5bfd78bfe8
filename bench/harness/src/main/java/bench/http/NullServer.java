package bench.http;

import bench.Args;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * The cheapest HTTP endpoints this machine can serve, as references for the service's figures.
 *
 * <p>Without {@code --redis}: Vert.x's HTTP server (the stack the service runs on, without Quarkus,
 * routing or a body) answering every request with 204 once its body has arrived; for measuring the
 * load generators' own ceiling. A generator that reaches only as far against this as against the
 * service's floor measures itself, not the service.
 *
 * <p>With {@code --redis=<url>}: every request makes one Redis {@code GET} through the Vert.x Redis
 * client and answers 200 with the value: the least any service on this stack can do for a cache read,
 * with nothing of authentication, routing, tracing or metrics. What is left between it and the
 * service's cache GET is the service's own doing. With {@code --redis-connections=N} (as the service
 * sends its commands, {@code cache-domain.redis.shared-connections}), the GETs go over N connections
 * made at start, many in flight on each, in turn; with 0, each leases a pooled connection.
 *
 * <p>Options: {@code --port}, {@code --event-loops} (1: the generator's one thread and this one
 * event loop share the machine's two cores with nothing else of ours), {@code --redis},
 * {@code --redis-connections} (0), {@code --key} (the key read, {@code bench:stack-ceiling}).
 */
public final class NullServer {

    private NullServer() {
    }

    public static void main(String[] argv) {
        Args args = new Args(argv);
        int port = Integer.parseInt(args.get("port"));
        int loops = args.integer("event-loops", 1);
        String url = args.get("redis", "");
        String key = args.get("key", "bench:stack-ceiling");
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(loops));
        Redis redis = url.isEmpty() ? null
                : Redis.createClient(vertx, new RedisOptions().setConnectionString(url).setMaxPoolSize(32).setMaxPoolWaiting(1024));
        int shared = redis == null ? 0 : args.integer("redis-connections", 0);
        RedisConnection[] connections = new RedisConnection[shared];
        for (int i = 0; i < shared; i++) {
            connections[i] = redis.connect().toCompletionStage().toCompletableFuture().join();
        }
        AtomicInteger turn = new AtomicInteger();
        for (int i = 0; i < loops; i++) {
            vertx.createHttpServer(new HttpServerOptions().setTcpNoDelay(true).setCompressionSupported(false))
                    .requestHandler(request -> request.end().onComplete(v -> {
                        if (redis == null) {
                            request.response().setStatusCode(204).end();
                        } else {
                            readOnce(shared == 0 ? redis::send : connections[Math.floorMod(turn.getAndIncrement(), shared)]::send, key, request);
                        }
                    }))
                    .listen(port, "127.0.0.1")
                    .toCompletionStage().toCompletableFuture().join();
        }
        System.out.println((redis == null ? "null server" : "stack ceiling server") + " on port " + port);
    }

    private static void readOnce(Function<Request, Future<Response>> redis, String key, HttpServerRequest request) {
        redis.apply(Request.cmd(Command.GET).arg(key)).onComplete(answer -> {
            if (answer.failed()) {
                request.response().setStatusCode(503).end();
            } else {
                request.response().setStatusCode(200).putHeader("content-type", "application/json")
                        .end(answer.result() == null ? "null" : answer.result().toString());
            }
        });
    }
}
