package support;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Prometheus's own checker, run in a directory; fails the test with its output unless it succeeds. */
public final class Promtool {

    private Promtool() {
    }

    /** Runs {@code promtool args…} in {@code directory} and returns what it printed. */
    public static String run(File directory, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("promtool"));
        command.addAll(List.of(args));
        Process process;
        try {
            process = new ProcessBuilder(command).directory(directory).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new AssertionError("these tests need promtool (apt-get install prometheus; .ci/run installs it)", e);
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor()).as("promtool %s:%n%s", String.join(" ", args), output).isZero();
        return output;
    }
}
