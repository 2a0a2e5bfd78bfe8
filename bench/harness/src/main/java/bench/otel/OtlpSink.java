package bench.otel;

import bench.Args;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Stands in for an OpenTelemetry collector during the benchmark, so the service runs with tracing
 * on, as in production: it accepts OTLP over gRPC (HTTP/2 without TLS), answers every export with
 * an empty success, and counts exports and bytes. Writes {@code exports bytes} to {@code --out}
 * every second; runs until killed.
 */
public final class OtlpSink {

    private OtlpSink() {
    }

    public static void main(String[] argv) throws Exception {
        Args args = new Args(argv);
        int port = Integer.parseInt(args.get("port"));
        Path out = Path.of(args.get("out"));
        AtomicLong exports = new AtomicLong();
        AtomicLong bytes = new AtomicLong();
        Vertx vertx = Vertx.vertx();
        // An empty ExportTraceServiceResponse in gRPC framing: not compressed, length 0.
        Buffer empty = Buffer.buffer(new byte[5]);
        vertx.createHttpServer(new HttpServerOptions().setHttp2ClearTextEnabled(true))
                .requestHandler(request -> request.body().onSuccess(body -> {
                    exports.incrementAndGet();
                    bytes.addAndGet(body.length());
                    request.response().putHeader("content-type", "application/grpc")
                            .putTrailer("grpc-status", "0").end(empty);
                }))
                .listen(port, "127.0.0.1")
                .toCompletionStage().toCompletableFuture().join();
        System.out.println("OTLP sink listening on 127.0.0.1:" + port);
        vertx.setPeriodic(1000, t -> {
            try {
                Files.writeString(out, exports.get() + " " + bytes.get() + "\n");
            } catch (Exception e) {
                System.err.println("cannot write " + out + ": " + e);
            }
        });
    }
}
