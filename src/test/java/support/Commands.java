package support;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Programs some tests run: whether one runs here (Node.js, mount), and npm ci for the Node.js tools (the browser test, the OpenAPI lint). */
public final class Commands {

    private Commands() {
    }

    /** True when the command runs and exits 0 within 30 s ({@code node --version}: is Node.js here?). */
    public static boolean runs(String... command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            process.getInputStream().readAllBytes();
            return process.waitFor(30, TimeUnit.SECONDS) && process.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * {@code npm ci} in {@code directory}, from its committed lock file, unless {@code installed} (a
     * path under it) is there already: node_modules stays between runs (git ignores it).
     */
    public static void npmCi(Path directory, String installed, Path log) throws Exception {
        if (Files.isDirectory(directory.resolve(installed))) {
            return;
        }
        Process npm = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund").directory(directory.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertThat(npm.waitFor(5, TimeUnit.MINUTES)).as("npm ci finished; see %s", log).isTrue();
        assertThat(npm.exitValue()).as("npm ci in %s; see %s", directory, log).isZero();
    }
}
