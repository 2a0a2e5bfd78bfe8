package cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/** An answer of the service that is an error: its status and its problem details (RFC 9457), shown readably. */
final class ServiceException extends RuntimeException {

    private final int status;
    private final JsonNode problem;

    ServiceException(int status, JsonNode problem) {
        super(describe(status, problem), null, false, false);
        this.status = status;
        this.problem = problem;
    }

    int status() {
        return status;
    }

    JsonNode problem() {
        return problem;
    }

    int exitCode() {
        if (status == 401 || status == 403) {
            return ExitCodes.UNAUTHORISED;
        }
        return status >= 500 ? ExitCodes.UNAVAILABLE : ExitCodes.REFUSED;
    }

    /** "403 Forbidden: detail", then one indented line per violation the problem lists. */
    private static String describe(int status, JsonNode problem) {
        String title = problem.path("title").asText("");
        String detail = problem.path("detail").asText("");
        StringBuilder text = new StringBuilder().append(status);
        if (!title.isEmpty()) {
            text.append(' ').append(title);
        }
        if (!detail.isEmpty() && !detail.equals(title)) {
            text.append(": ").append(detail);
        }
        for (String violation : violations(problem)) {
            text.append(System.lineSeparator()).append("  - ").append(violation);
        }
        return text.toString();
    }

    /** Each violation as "field: message". */
    static List<String> violations(JsonNode problem) {
        List<String> lines = new ArrayList<>();
        for (JsonNode violation : problem.path("violations")) {
            String field = violation.path("field").asText("");
            String message = violation.path("message").asText(violation.toString());
            lines.add(field.isEmpty() || message.startsWith(field) ? message : field + ": " + message);
        }
        return lines;
    }
}
