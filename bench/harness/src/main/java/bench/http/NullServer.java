package bench.http;

import bench.Args;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServerOptions;

/**
 * The cheapest HTTP endpoint this machine can serve, for measuring the load generators' own ceiling:
 * Vert.x's HTTP server (the stack the service runs on, without Quarkus, routing or a body) answering
 * every request with 204 once its body has arrived. A generator that reaches only as far against
 * this as against the service's floor measures itself, not the service.
 *
 * <p>Options: {@code --port}, {@code --event-loops} (1: the generator's one thread and this one
 * event loop share the machine's two cores with nothing else of ours).
 */
public final class NullServer {

    private NullServer() {
    }

    public static void main(String[] argv) {
        Args args = new Args(argv);
        int port = Integer.parseInt(args.get("port"));
        int loops = args.integer("event-loops", 1);
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(loops));
        for (int i = 0; i < loops; i++) {
            vertx.createHttpServer(new HttpServerOptions().setTcpNoDelay(true).setCompressionSupported(false))
                    .requestHandler(request -> request.end().onComplete(v -> request.response().setStatusCode(204).end()))
                    .listen(port, "127.0.0.1")
                    .toCompletionStage().toCompletableFuture().join();
        }
        System.out.println("null server on port " + port);
    }
}
