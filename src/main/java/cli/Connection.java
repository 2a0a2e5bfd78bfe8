package cli;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * Where the service is and the key to call it with: {@code --url} (else {@code CACHE_DOMAIN_URL}) and
 * the admin key from {@code CACHE_DOMAIN_ADMIN_KEY} or a file ({@code --key-file}), never from the
 * command line, where other users of the machine could read it.
 */
final class Connection {

    @Option(names = "--url", paramLabel = "URL", defaultValue = "${env:CACHE_DOMAIN_URL:-http://localhost:8080}",
            description = "The service's address (environment CACHE_DOMAIN_URL; default ${DEFAULT-VALUE}).")
    URI url;

    @Option(names = "--key-file", paramLabel = "FILE",
            description = "A file holding the admin API key (default: the environment variable CACHE_DOMAIN_ADMIN_KEY).")
    Path keyFile;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "30",
            description = "Seconds to wait for each answer to begin (default ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    ServiceClient client() {
        return client(url, keyFile, "CACHE_DOMAIN_ADMIN_KEY");
    }

    /** A client of the service at {@code url}, its key read from {@code keyFile} or else from the environment variable named. */
    ServiceClient client(URI url, Path keyFile, String keyVariable) {
        if (timeoutSeconds < 1) {
            throw new CliException(ExitCodes.USAGE, "--timeout must be at least 1 second");
        }
        return new ServiceClient(url, key(keyFile, keyVariable), Duration.ofSeconds(timeoutSeconds));
    }

    static String key(Path keyFile, String keyVariable) {
        String key;
        if (keyFile != null) {
            try {
                key = Files.readString(keyFile).strip();
            } catch (IOException e) {
                throw new CliException(ExitCodes.USAGE, "cannot read the key file " + keyFile + ": " + e.getMessage());
            }
        } else {
            key = System.getenv(keyVariable);
            if (key == null && !keyVariable.equals("CACHE_DOMAIN_ADMIN_KEY")) {
                key = System.getenv("CACHE_DOMAIN_ADMIN_KEY");
            }
        }
        if (key == null || key.isBlank()) {
            throw new CliException(ExitCodes.USAGE, "no admin key: set " + keyVariable + " or pass a key file");
        }
        return key.strip();
    }
}
