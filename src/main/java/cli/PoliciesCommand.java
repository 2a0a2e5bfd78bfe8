package cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code policies list|show|set|delete}: the rate-limit policies. */
@Command(name = "policies", description = "Rate-limit policies: list, show, set, delete.",
        subcommands = {PoliciesCommand.ListPolicies.class, PoliciesCommand.Show.class, PoliciesCommand.Set.class,
                PoliciesCommand.Delete.class})
final class PoliciesCommand {

    private static final Pattern LIMIT = Pattern.compile("([0-9]{1,18})/([0-9]{1,18})");

    @Command(name = "list", description = "Lists the policies, configured and stored, by name.")
    static final class ListPolicies extends ServiceCommand {

        @Override
        int run(ServiceClient service, Console console) {
            ArrayNode policies = all(service);
            if (console.json()) {
                console.print(policies);
                return ExitCodes.OK;
            }
            List<List<String>> rows = new ArrayList<>();
            for (JsonNode policy : policies) {
                rows.add(List.of(policy.path("name").asText(), limits(policy), Long.toString(policy.path("burst").asLong()),
                        policy.path("failMode").asText(), policy.path("source").asText()));
            }
            console.table(List.of("name", "limits", "burst", "fail mode", "source"), rows);
            return ExitCodes.OK;
        }
    }

    @Command(name = "show", description = "Shows one policy.")
    static final class Show extends ServiceCommand {

        @Parameters(paramLabel = "NAME")
        String name;

        @Override
        int run(ServiceClient service, Console console) {
            JsonNode policy = service.get(ServiceClient.path("/v1/rate-limit-policies/%s", name));
            if (console.json()) {
                console.print(policy);
            } else {
                console.fields(List.of(new String[] {"name", policy.path("name").asText()}, new String[] {"limits", limits(policy)},
                        new String[] {"burst", policy.path("burst").asText()}, new String[] {"fail mode", policy.path("failMode").asText()},
                        new String[] {"source", policy.path("source").asText()}));
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "set", description = "Creates or replaces a policy (scope admin).")
    static final class Set extends ServiceCommand {

        @Parameters(paramLabel = "NAME")
        String name;

        @Option(names = {"-l", "--limit"}, paramLabel = "REQUESTS/SECONDS", required = true,
                description = "A window: so many requests per so many seconds, e.g. 100/60 (repeatable; all are checked together).")
        List<String> limits;

        @Option(names = "--burst", paramLabel = "N", description = "Requests allowed above the limits in a burst (default 0).")
        Long burst;

        @Option(names = "--fail-mode", paramLabel = "open|closed", description = "What a check answers when the store cannot "
                + "be asked: open admits, closed refuses (default: the service's).")
        String failMode;

        @Override
        int run(ServiceClient service, Console console) {
            ObjectNode body = ServiceClient.JSON.createObjectNode();
            ArrayNode windows = body.putArray("limits");
            for (String limit : limits) {
                Matcher m = LIMIT.matcher(limit);
                if (!m.matches()) {
                    throw new CliException(ExitCodes.USAGE, "--limit must be REQUESTS/SECONDS, such as 100/60, not " + limit);
                }
                windows.addObject().put("requests", Long.parseLong(m.group(1))).put("windowSeconds", Long.parseLong(m.group(2)));
            }
            if (burst != null) {
                body.put("burst", burst);
            }
            if (failMode != null) {
                body.put("failMode", failMode);
            }
            JsonNode saved = service.put(ServiceClient.path("/v1/rate-limit-policies/%s", name), body);
            if (console.json()) {
                console.print(saved);
            } else {
                console.line("saved " + saved.path("name").asText(name) + ": " + limits(saved));
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "delete", description = "Deletes a stored policy.")
    static final class Delete extends ServiceCommand {

        @Parameters(paramLabel = "NAME")
        String name;

        @Override
        int run(ServiceClient service, Console console) {
            service.delete(ServiceClient.path("/v1/rate-limit-policies/%s", name));
            if (console.json()) {
                console.print(ServiceClient.JSON.createObjectNode().put("deleted", name));
            } else {
                console.line("deleted " + name);
            }
            return ExitCodes.OK;
        }
    }

    /**
     * Copies the rate-limit policies stored at runtime among {@code policies} (not those a configuration
     * defines) to the target: written where the target has none of that name (or, in mode replace,
     * one that differs), kept where the target's differs in mode merge; a policy the target refuses is
     * named (exit 4), and the migration goes on.
     */
    static ObjectNode copy(JsonNode policies, ServiceClient target, String mode, boolean dryRun) {
        ObjectNode result = ServiceClient.JSON.createObjectNode();
        ArrayNode written = result.putArray("written");
        ArrayNode kept = result.putArray("kept");
        ArrayNode refused = result.putArray("refused");
        long unchanged = 0;
        java.util.Map<String, JsonNode> held = new java.util.HashMap<>();
        for (JsonNode policy : all(target)) {
            held.put(policy.path("name").asText(), policy);
        }
        for (JsonNode policy : policies) {
            if (!policy.path("source").asText().equals("stored")) {
                continue;
            }
            String name = policy.path("name").asText();
            ObjectNode body = ServiceClient.JSON.createObjectNode();
            body.set("limits", policy.path("limits"));
            body.set("burst", policy.path("burst"));
            body.set("failMode", policy.path("failMode"));
            JsonNode there = held.get(name);
            boolean storedThere = there != null && there.path("source").asText().equals("stored");
            if (storedThere && there.path("limits").equals(policy.path("limits")) && there.path("burst").equals(policy.path("burst"))
                    && there.path("failMode").equals(policy.path("failMode"))) {
                unchanged++;
                continue;
            }
            if (storedThere && mode.equals("merge")) {
                kept.add(name);
                continue;
            }
            if (dryRun) {
                written.add(name);
                continue;
            }
            try {
                target.put(ServiceClient.path("/v1/rate-limit-policies/%s", name), body);
                written.add(name);
            } catch (ServiceException e) {
                refused.addObject().put("name", name).put("error", e.getMessage());
            }
        }
        return result.put("unchanged", unchanged);
    }

    /** Every policy the service lists, configured and stored, through all pages. */
    static ArrayNode all(ServiceClient service) {
        return service.all("/v1/rate-limit-policies");
    }

    private static String limits(JsonNode policy) {
        List<String> windows = new ArrayList<>();
        policy.path("limits").forEach(l -> windows.add(l.path("requests").asLong() + "/" + l.path("windowSeconds").asLong() + "s"));
        return String.join(", ", windows);
    }
}
