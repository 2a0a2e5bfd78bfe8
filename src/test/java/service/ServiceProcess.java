package service;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;

/** The packaged service as a separate process, started the way the README tells an operator to. */
final class ServiceProcess implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final Process process;
    private final Path log;
    private final int port;

    private ServiceProcess(Process process, Path log, int port) {
        this.process = process;
        this.log = log;
        this.port = port;
    }

    /** Starts {@code java -jar quarkus-run.jar} with only these environment settings of ours, and waits until it listens. */
    static ServiceProcess start(Map<String, String> env) throws IOException {
        return start(env, Map.of());
    }

    /**
     * Starts it with these environment settings and these system properties ({@code -Dname=value}, for
     * settings whose names an environment variable cannot say, such as a named TLS configuration's).
     */
    static ServiceProcess start(Map<String, String> env, Map<String, String> properties) throws IOException {
        return awaitListening(launch(env, properties));
    }

    private static ServiceProcess awaitListening(ServiceProcess service) {
        Awaitility.await("the service to listen").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    if (!service.process.isAlive()) {
                        throw new IllegalStateException("the service exited:\n" + service.output());
                    }
                    return service.output().contains("Listening on");
                });
        return service;
    }

    /** Starts it with settings it must refuse, and waits until it exits: its exit code and what it wrote. */
    static Refusal refusedStart(Map<String, String> env, Map<String, String> properties) throws IOException {
        ServiceProcess service = launch(env, properties);
        try {
            if (!service.process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
                service.kill();
                throw new AssertionError("the service did not exit within 60 s:\n" + service.output());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        return new Refusal(service.process.exitValue(), service.output());
    }

    /** How a start ended that the service refused. */
    record Refusal(int exitCode, String output) {
    }

    /**
     * Starts {@code java -jar quarkus-run.jar} in {@code directory} (a copy of the application), its command preceded by
     * {@code runAs} (e.g. {@code setpriv} to another user), and waits until it listens.
     */
    static ServiceProcess startIn(Path directory, List<String> runAs, Map<String, String> env, Map<String, String> properties)
            throws IOException {
        return awaitListening(launch(new Launch(directory, runAs), env, properties));
    }

    /** Where and as whom the process runs: the working directory holding the application, and a command prefix. */
    private record Launch(Path directory, List<String> runAs) {

        static final Launch HERE = new Launch(null, List.of());

        String jar() {
            return directory == null ? System.getProperty("service.jar", "target/quarkus-app/quarkus-run.jar") : "quarkus-run.jar";
        }
    }

    private static ServiceProcess launch(Map<String, String> env, Map<String, String> properties) throws IOException {
        return launch(Launch.HERE, env, properties);
    }

    private static ServiceProcess launch(Launch how, Map<String, String> env, Map<String, String> properties) throws IOException {
        int port = freePort();
        Path log = Files.createTempFile("service", ".log");
        List<String> command = new ArrayList<>(how.runAs());
        command.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m"));
        properties.forEach((name, value) -> command.add("-D" + name + "=" + value));
        command.addAll(List.of("-jar", how.jar()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        if (how.directory() != null) {
            builder.directory(how.directory().toFile());
        }
        builder.environment().keySet().removeIf(k -> k.startsWith("CACHE_") || k.startsWith("REDIS_")
                || k.startsWith("QUARKUS_") || k.startsWith("OTEL_"));
        builder.environment().putAll(env);
        builder.environment().put("QUARKUS_HTTP_PORT", Integer.toString(port));
        return new ServiceProcess(builder.start(), log, port);
    }

    String output() throws IOException {
        return Files.readString(log);
    }

    /** The operating system's id of the process (the JVM's: a {@code runAs} prefix must exec it). */
    long pid() {
        return process.pid();
    }

    /** The port it listens on, on 127.0.0.1. */
    int port() {
        return port;
    }

    /** The address of {@code path} on this instance. */
    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    HttpResponse<String> send(String method, String path, String key, String body) throws IOException, InterruptedException {
        return send(method, path, key, body, "application/json");
    }

    HttpResponse<String> send(String method, String path, String key, String body, String contentType)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", contentType);
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Stops the service as an orchestrator would (SIGTERM) and waits until it is gone. */
    @Override
    public void close() {
        process.destroy();
        process.onExit().join();
    }

    /** Sends SIGTERM, as an orchestrator stopping it does, without waiting. */
    void terminate() {
        process.destroy();
    }

    /** Waits at most {@code limit} for the process to exit; how long it took since this call. */
    Duration awaitExit(Duration limit) throws InterruptedException {
        long began = System.nanoTime();
        if (!process.waitFor(limit.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
            throw new AssertionError("the service did not exit within " + limit);
        }
        return Duration.ofNanos(System.nanoTime() - began);
    }

    /** Kills the service as a crash would ({@code kill -9}: no shutdown hook runs) and waits until it is gone. */
    void kill() {
        process.destroyForcibly();
        process.onExit().join();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
