package cli;

import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;

/**
 * The operator's command line: {@code java -jar quarkus-run.jar <command>}. Each command calls the
 * service's HTTP API with an admin key; see {@link ExitCodes} for what its exit code means.
 */
@Command(name = "cache-domain", mixinStandardHelpOptions = true, versionProvider = CacheDomainCli.Version.class,
        description = "Runs cache-domain (serve, the default), or operates a running one over its HTTP API.",
        subcommands = {CacheDomainCli.ServeCommand.class, StatusCommand.class, ProjectsCommand.class, ClearCommand.class, KeysCommand.class,
                PoliciesCommand.class, ExportCommand.class, ImportCommand.class, MigrateCommand.class, RotateKeysCommand.class,
                QueuesCommand.class, HelpCommand.class},
        exitCodeListHeading = "%nExit codes:%n", exitCodeList = {
                "0:done",
                "1:the service refused the request (bad input, not found, conflict)",
                "2:wrong usage of the command line",
                "3:the service could not be reached or failed, or reports itself DOWN",
                "4:done, with differences or warnings to look at",
                "5:the key was refused (401) or may not do this (403)"},
        footer = {"", "Environment: CACHE_DOMAIN_URL (default http://localhost:8080), CACHE_DOMAIN_ADMIN_KEY (an API key with "
                + "the scopes the command needs: admin, and for clear cache:write, for status's statistics cache:read, for queues "
                + "tasks, for --wait and progress reports progress and progress:read; the bootstrap key has them all)."})
public final class CacheDomainCli {

    private CacheDomainCli() {
    }

    /** Runs one command line to its end; answers its exit code. */
    static int run(String... args) {
        PrintWriter out = new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), true);
        PrintWriter err = new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
        return commandLine(out, err).execute(args);
    }

    static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        CommandLine cli = new CommandLine(new CacheDomainCli());
        cli.setOut(out);
        cli.setErr(err);
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        cli.setExecutionExceptionHandler((failure, line, parsed) -> {
            PrintWriter to = line.getErr();
            if (failure instanceof ServiceException refused) {
                to.println("error: " + refused.getMessage());
                to.flush();
                return refused.exitCode();
            }
            if (failure instanceof CliException stopped) {
                to.println("error: " + stopped.getMessage());
                to.flush();
                return stopped.exitCode();
            }
            // Anything else is a fault of this command line: said as such, with its trace, and exit 3 ("failed").
            to.println("error: the command failed unexpectedly: " + failure);
            failure.printStackTrace(to);
            to.flush();
            return ExitCodes.UNAVAILABLE;
        });
        return cli;
    }

    /** The version the jar was built as. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = CacheDomainCli.class.getPackage().getImplementationVersion();
            return new String[] {"cache-domain " + (version == null ? "(development build)" : version)};
        }
    }

    /** Listed for help; {@link Main} runs the service for it before the command line is read. */
    @Command(name = "serve", description = "Runs the service (also what no command at all does); configured by its environment.")
    static final class ServeCommand implements Runnable {
        @Override
        public void run() {
            Main.main();
        }
    }
}
