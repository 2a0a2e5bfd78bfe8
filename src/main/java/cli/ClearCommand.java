package cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code clear}: removes every cache entry of one project. */
@Command(name = "clear", description = "Removes every cache entry of a project, and nothing else. Asks for --yes.")
final class ClearCommand extends ServiceCommand {

    @Parameters(paramLabel = "PROJECT", description = "The project to clear.")
    String project;

    @Option(names = "--shred", description = "Destroy the project's encryption keyset first (crypto-shredding: no copy of "
            + "its values, in a backup or a replica, can be read again).")
    boolean shred;

    @Option(names = "--yes", description = "Confirm: the entries cannot be brought back.")
    boolean yes;

    @Override
    int run(ServiceClient service, Console console) {
        if (!yes) {
            throw new CliException(ExitCodes.USAGE, "clearing removes every entry of " + project + " for good: add --yes to do it");
        }
        JsonNode answer = service.delete(ServiceClient.path("/v1/projects/%s/cache", project) + (shred ? "?shred=true" : ""));
        if (console.json()) {
            console.print(answer);
        } else {
            console.line("cleared " + project + ": " + Console.count(answer.path("invalidated").asLong()) + " entries removed"
                    + (shred ? ", its keyset destroyed" : ""));
        }
        return ExitCodes.OK;
    }
}
