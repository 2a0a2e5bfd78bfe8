package service;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The operator's command line as a process: {@code java -jar quarkus-run.jar <command>}, as the README runs it. */
final class CommandLineProcess {

    private final Process process;
    private final Path out;
    private final Path err;

    private CommandLineProcess(Process process, Path out, Path err) {
        this.process = process;
        this.out = out;
        this.err = err;
    }

    /** What one run printed and how it ended. */
    record Result(int exitCode, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- out\n" + out + "--- err\n" + err;
        }
    }

    /** Runs one command with only these environment settings of ours, and waits for its end (at most two minutes). */
    static Result run(Map<String, String> env, String... args) throws IOException, InterruptedException {
        return start(env, args).result();
    }

    /** Starts one command, its output kept in files. */
    static CommandLineProcess start(Map<String, String> env, String... args) throws IOException {
        String jar = System.getProperty("service.jar", "target/quarkus-app/quarkus-run.jar");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-Xmx128m", "-jar", jar));
        command.addAll(List.of(args));
        Path out = Files.createTempFile("cli", ".out");
        Path err = Files.createTempFile("cli", ".err");
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        builder.environment().keySet().removeIf(k -> k.startsWith("CACHE_") || k.startsWith("REDIS_") || k.startsWith("QUARKUS_"));
        builder.environment().putAll(env);
        return new CommandLineProcess(builder.start(), out, err);
    }

    /** Waits for the end (at most two minutes) and answers what it printed. */
    Result result() throws IOException, InterruptedException {
        if (!process.waitFor(2, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new IllegalStateException("the command did not end within two minutes");
        }
        return new Result(process.exitValue(), Files.readString(out), Files.readString(err));
    }

    /** Kills it as a crash or an operator's kill -9 would. */
    void kill() {
        process.destroyForcibly();
        process.onExit().join();
    }

    boolean isAlive() {
        return process.isAlive();
    }
}
