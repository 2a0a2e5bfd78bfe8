package cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;

/** {@code projects list}: the projects holding data that the key administers. */
@Command(name = "projects", description = "The projects holding data.", subcommands = ProjectsCommand.ListProjects.class)
final class ProjectsCommand {

    /** Every project holding data that the service lists to this key, through all pages. */
    static List<String> all(ServiceClient service) {
        List<String> projects = new ArrayList<>();
        service.all("/v1/admin/projects").forEach(p -> projects.add(p.asText()));
        return projects;
    }

    @Command(name = "list", description = "Lists the projects with at least one live cache entry that the key administers, by id.")
    static final class ListProjects extends ServiceCommand {

        @Override
        int run(ServiceClient service, Console console) {
            List<String> projects = all(service);
            if (console.json()) {
                ArrayNode array = ServiceClient.JSON.createArrayNode();
                projects.forEach(array::add);
                console.print(array);
            } else if (projects.isEmpty()) {
                console.note("no project holds data");
            } else {
                projects.forEach(console::line);
            }
            return ExitCodes.OK;
        }
    }
}
