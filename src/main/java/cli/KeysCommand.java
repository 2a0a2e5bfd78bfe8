package cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code keys create|list|show|revoke}: the service's API keys. */
@Command(name = "keys", description = "API keys: create, list, show, revoke.",
        subcommands = {KeysCommand.Create.class, KeysCommand.ListKeys.class, KeysCommand.Show.class, KeysCommand.Revoke.class})
final class KeysCommand {

    @Command(name = "create", description = "Creates a key and prints its secret, once: the service keeps only a digest.")
    static final class Create extends ServiceCommand {

        @Parameters(paramLabel = "NAME", description = "The key's name.")
        String name;

        @Option(names = {"-p", "--project"}, paramLabel = "PROJECT", required = true,
                description = "A project the key may use (repeatable); * for every project.")
        List<String> projects;

        @Option(names = {"-s", "--scope"}, paramLabel = "SCOPE", required = true,
                description = "A scope it holds (repeatable): cache:read, cache:write, sessions, rate-limits, progress, "
                        + "progress:read, tasks, admin.")
        List<String> scopes;

        @Option(names = "--expires-at", paramLabel = "INSTANT", description = "When it stops working (ISO-8601, e.g. 2027-01-31T00:00:00Z).")
        String expiresAt;

        @Override
        int run(ServiceClient service, Console console) {
            ObjectNode body = ServiceClient.JSON.createObjectNode().put("name", name);
            projects.forEach(body.putArray("projects")::add);
            scopes.forEach(body.putArray("scopes")::add);
            if (expiresAt != null) {
                body.put("expiresAt", expiresAt);
            }
            JsonNode created = service.post("/v1/admin/api-keys", body);
            if (console.json()) {
                console.print(created);
            } else {
                console.fields(List.of(new String[] {"name", created.path("name").asText()},
                        new String[] {"key", created.path("key").asText()},
                        new String[] {"projects", join(created.path("projects"))},
                        new String[] {"scopes", join(created.path("scopes"))},
                        new String[] {"expires", created.path("expiresAt").asText("never")}));
                console.note("the key is shown this once: the service keeps only its SHA-256 digest");
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "list", description = "Lists the keys within the caller's projects, by name; never a secret.")
    static final class ListKeys extends ServiceCommand {

        @Override
        int run(ServiceClient service, Console console) {
            ArrayNode keys = service.all("/v1/admin/api-keys");
            if (console.json()) {
                console.print(keys);
                return ExitCodes.OK;
            }
            List<List<String>> rows = new ArrayList<>();
            for (JsonNode key : keys) {
                rows.add(List.of(key.path("name").asText(), join(key.path("projects")), join(key.path("scopes")),
                        key.path("createdAt").asText(), key.path("expiresAt").asText("never"), key.path("lastUsedAt").asText("never")));
            }
            console.table(List.of("name", "projects", "scopes", "created", "expires", "last used"), rows);
            return ExitCodes.OK;
        }
    }

    @Command(name = "show", description = "Shows one key; never its secret.")
    static final class Show extends ServiceCommand {

        @Parameters(paramLabel = "NAME")
        String name;

        @Override
        int run(ServiceClient service, Console console) {
            JsonNode key = service.get(ServiceClient.path("/v1/admin/api-keys/%s", name));
            if (console.json()) {
                console.print(key);
            } else {
                console.fields(List.of(new String[] {"name", key.path("name").asText()},
                        new String[] {"projects", join(key.path("projects"))}, new String[] {"scopes", join(key.path("scopes"))},
                        new String[] {"created", key.path("createdAt").asText()},
                        new String[] {"expires", key.path("expiresAt").asText("never")},
                        new String[] {"last used", key.path("lastUsedAt").asText("never")}));
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "revoke", description = "Revokes a key: refused on every instance at once.")
    static final class Revoke extends ServiceCommand {

        @Parameters(paramLabel = "NAME")
        String name;

        @Override
        int run(ServiceClient service, Console console) {
            service.delete(ServiceClient.path("/v1/admin/api-keys/%s", name));
            if (console.json()) {
                console.print(ServiceClient.JSON.createObjectNode().put("revoked", name));
            } else {
                console.line("revoked " + name);
            }
            return ExitCodes.OK;
        }
    }

    static String join(JsonNode array) {
        List<String> items = new ArrayList<>();
        array.forEach(item -> items.add(item.asText()));
        return String.join(",", items);
    }
}
