package service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The README runs as written: docs/quickstart.sh holds every line of the README's curl and command-line examples, in order,
 * each with the status it must answer, and runs green against the packaged service on the default store (embedded).
 */
class QuickstartIT {

    private static final Path README = Path.of("README.md");
    private static final Path SCRIPT = Path.of("docs/quickstart.sh");
    private static final String BOOTSTRAP = "quickstart-bootstrap-key-0123456789abcdefghij";
    private static final Pattern BASH_BLOCK = Pattern.compile("```bash\\n(.*?)```", Pattern.DOTALL);

    /** The lines of the README's walk-through: every line but comments and blanks of each bash block that runs curl or the command line. */
    private static List<String> walkThrough() throws IOException {
        List<String> lines = new ArrayList<>();
        Matcher block = BASH_BLOCK.matcher(Files.readString(README));
        while (block.find()) {
            if (block.group(1).contains("curl ") || block.group(1).contains("cache-domain ")) {
                block.group(1).lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).forEach(lines::add);
            }
        }
        return lines;
    }

    private static List<String> scriptLines() throws IOException {
        return Files.readAllLines(SCRIPT).stream().map(String::strip).toList();
    }

    @Test
    void theScriptHoldsEveryLineOfTheReadmesExamplesInTheirOrder() throws IOException {
        List<String> readme = walkThrough();
        List<String> script = scriptLines();
        assertThat(readme).as("the README's walk-through").hasSizeGreaterThan(100);

        int at = 0;
        for (String line : readme) {
            int found = script.subList(at, script.size()).indexOf(line);
            if (found < 0) {
                fail("docs/quickstart.sh lacks this README line (or has it out of order): " + line
                        + "\nChange both, or the README no longer runs as written.");
            }
            at += found + 1;
        }
    }

    @Test
    void theScriptDeclaresTheExpectedStatusOfEveryCall() throws IOException {
        List<String> script = scriptLines();
        int start = script.indexOf("# --- First requests");
        assertThat(start).as("the walk-through's start marker").isPositive();
        for (int i = start; i < script.size(); i++) {
            String line = script.get(i);
            boolean startsACall = line.startsWith("curl ") || line.matches("[A-Z0-9_]+=\\$\\(curl .*");
            if (startsACall) {
                assertThat(script.get(i - 1)).as("the line before: %s", line).matches("expect [0-9]{3}.*");
            }
        }
    }

    @Test
    void runsEveryReadmeExampleAgainstThePackagedServiceWithTheStatusTheReadmeSays() throws Exception {
        assertThat(onPath("jq")).as("jq is needed by the README's examples: apt-get install jq (.ci/run installs it)").isTrue();
        // The store a reader of the README gets: the default, embedded, in a data directory of its own.
        try (ServiceProcess service = ServiceProcess.start(Map.of("CACHE_DOMAIN_EMBEDDED_PATH",
                support.EmbeddedDatabases.newDirectory().toString(),
                "CACHE_DOMAIN_AUTH_BOOTSTRAP_KEY", BOOTSTRAP, "REDIS_URL", "redis://127.0.0.1:1"))) {
            Path output = Files.createTempFile("quickstart", ".log");
            ProcessBuilder builder = new ProcessBuilder("bash", SCRIPT.toString()).redirectErrorStream(true)
                    .redirectOutput(output.toFile());
            builder.environment().put("BASE", "127.0.0.1:" + service.port());
            builder.environment().put("ADMIN", BOOTSTRAP);
            Process script = builder.start();
            boolean ended = script.waitFor(3, TimeUnit.MINUTES);
            if (!ended) {
                script.destroyForcibly();
            }
            String log = Files.readString(output, StandardCharsets.UTF_8);

            assertThat(ended).as("docs/quickstart.sh ended within 3 minutes:\n%s", log).isTrue();
            assertThat(script.exitValue()).as("docs/quickstart.sh exit status; its output:\n%s\nthe service's log:\n%s",
                    log, service.output()).isZero();
            assertThat(log).contains("quickstart: every example answered as the README says");
        }
    }

    private static boolean onPath(String command) throws Exception {
        return new ProcessBuilder("bash", "-c", "command -v " + command).start().waitFor() == 0;
    }
}
