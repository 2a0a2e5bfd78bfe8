package infrastructure.rest;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.Components;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.PathItem;
import org.eclipse.microprofile.openapi.models.media.Content;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.parameters.Parameter;
import org.eclipse.microprofile.openapi.models.responses.APIResponse;
import org.eclipse.microprofile.openapi.models.responses.APIResponses;
import org.eclipse.microprofile.openapi.models.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.models.security.SecurityScheme;

/**
 * Completes the OpenAPI document with what every operation shares, so the resources do not repeat
 * it: the credentials ({@code securitySchemes}, and which operations take which, by the rules of
 * {@link RequestAuthentication}), the problems every operation may answer as
 * {@code application/problem+json}, and the server.
 */
public final class OpenApiDocument implements OASFilter {

    static final String API_KEY = "apiKey";
    static final String SESSION = "session";
    static final String SESSION_COOKIE = "sessionCookie";
    static final String TICKET = "ticket";
    private static final String PROBLEM = "Problem";
    private static final String JSON_VALUE = "JsonValue";
    private static final String INSTANT = "Instant";
    /** A timestamp's wire form: UTC with exactly three fraction digits. */
    static final String TIMESTAMP = "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3}Z$";
    /** The one GET whose HEAD the README documents: a cache entry's existence and version, without its value. */
    private static final String CACHE_ENTRY = "/v1/projects/{projectId}/cache/{key}";

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        if (openAPI.getComponents() == null) {
            openAPI.setComponents(OASFactory.createComponents());
        }
        Components components = openAPI.getComponents();
        components.addSecurityScheme(API_KEY, OASFactory.createSecurityScheme().type(SecurityScheme.Type.HTTP).scheme("bearer")
                .description("An API key (cdk_…) as Authorization: Bearer, for application backends; its scopes and projects "
                        + "decide what it may do."));
        components.addSecurityScheme(SESSION, OASFactory.createSecurityScheme().type(SecurityScheme.Type.HTTP).scheme("bearer")
                .description("A session token (cds_…) as Authorization: Bearer: the session's own paths and the progress "
                        + "reads of its projects."));
        components.addSecurityScheme(SESSION_COOKIE, OASFactory.createSecurityScheme().type(SecurityScheme.Type.APIKEY)
                .in(SecurityScheme.In.COOKIE).name(RequestAuthentication.SESSION_COOKIE)
                .description("The session token in its HttpOnly cookie, for browsers, where a session token is taken."));
        components.addSecurityScheme(TICKET, OASFactory.createSecurityScheme().type(SecurityScheme.Type.APIKEY)
                .in(SecurityScheme.In.QUERY).name(RequestAuthentication.TICKET_PARAMETER)
                .description("A stream ticket, for a browser's EventSource: it opens (and re-opens) one operation's event "
                        + "stream, nothing else."));
        components.addSchema(PROBLEM, problemSchema());
        // A value, payload, result or user data is any JSON: no type at all, not an object.
        components.addSchema(JSON_VALUE, OASFactory.createSchema()
                .description("any JSON value: an object, array, string, number, true, false or null"));
        if (components.getSchemas() != null) {
            Schema instant = components.getSchemas().get(INSTANT);
            if (instant != null) {
                // Every timestamp as Timestamps writes it, which the default example (no fraction) is not.
                instant.pattern(TIMESTAMP).examples(List.of(Timestamps.format(Instant.parse("2026-11-22T09:00:00Z"))));
            }
            for (Schema schema : components.getSchemas().values()) {
                Schema cursor = schema.getProperties() == null ? null : schema.getProperties().get("nextCursor");
                if (cursor != null) {
                    // Every list's last page has none.
                    cursor.addType(Schema.SchemaType.NULL);
                }
            }
        }
        openAPI.setServers(List.of(OASFactory.createServer().url("/").description("this service")));
        if (openAPI.getPaths() == null || openAPI.getPaths().getPathItems() == null) {
            return;
        }
        // The files of exports and imports, as text (an annotation's example would be read as JSON): the same example for both.
        jsonLines(openAPI.getPaths().getPathItem(ExportResource.PATH), openAPI.getPaths().getPathItem(ImportResource.PATH),
                "an export", ExportResource.EXAMPLE);
        jsonLines(openAPI.getPaths().getPathItem(CredentialsResource.PATH + "/export"),
                openAPI.getPaths().getPathItem(CredentialsResource.PATH + "/import"), "credentials", CredentialsResource.EXAMPLE);
        PathItem entry = openAPI.getPaths().getPathItem(CACHE_ENTRY);
        if (entry != null && entry.getGET() != null && entry.getHEAD() == null) {
            entry.setHEAD(headOf(entry.getGET()));
        }
        for (Map.Entry<String, PathItem> path : openAPI.getPaths().getPathItems().entrySet()) {
            if (!path.getKey().startsWith("/v1/")) {
                continue;
            }
            Map<PathItem.HttpMethod, Operation> operations = path.getValue().getOperations();
            if (operations == null) {
                continue;
            }
            for (Map.Entry<PathItem.HttpMethod, Operation> operation : operations.entrySet()) {
                List<String> credentials = credentials(path.getKey(), operation.getKey());
                operation.getValue().setSecurity(credentials.stream()
                        .map(scheme -> OASFactory.createSecurityRequirement().addScheme(scheme)).toList());
                problems(path.getKey(), path.getValue(), operation.getValue(), credentials.contains(API_KEY),
                        operation.getKey() == PathItem.HttpMethod.HEAD);
            }
        }
    }

    /** The credentials an operation takes, each enough alone, as {@link RequestAuthentication} decides. */
    static List<String> credentials(String path, PathItem.HttpMethod method) {
        if (RequestAuthentication.SESSION_PATHS.contains(path)) {
            return List.of(SESSION, SESSION_COOKIE);
        }
        Matcher progress = RequestAuthentication.PROGRESS_READS.matcher(path);
        if (method == PathItem.HttpMethod.GET && progress.matches()) {
            return progress.group(3) != null ? List.of(API_KEY, SESSION, SESSION_COOKIE, TICKET)
                    : List.of(API_KEY, SESSION, SESSION_COOKIE);
        }
        return List.of(API_KEY);
    }

    /** The problems any operation may answer, added where the resource did not describe them (a HEAD's without a body). */
    private static void problems(String path, PathItem item, Operation operation, boolean byApiKey, boolean bodiless) {
        if (operation.getResponses() == null) {
            operation.setResponses(OASFactory.createAPIResponses());
        }
        APIResponses responses = operation.getResponses();
        boolean hasParameters = path.contains("{") || hasAny(operation.getParameters()) || hasAny(item.getParameters());
        boolean hasBody = operation.getRequestBody() != null;
        Map<String, String> problems = new LinkedHashMap<>();
        if (hasParameters || hasBody) {
            problems.put("400", "Invalid input: the problem lists each violation with the field or parameter it names");
        }
        problems.put("401", "No valid credential");
        problems.put("403", byApiKey ? "The credential may not use this project, or lacks the scope"
                : "This credential may not use this path (an API key where a session is taken)");
        if (path.contains("{")) {
            problems.put("404", "No such object, or none the caller may see");
        }
        if (hasBody) {
            problems.put("413", "The body is larger than the service takes");
            problems.put("415", "The body is not application/json");
        }
        // Answered at the edge, before any route: a request line or headers longer than the service reads.
        problems.put("414", "The request's URI is longer than the service reads");
        problems.put("431", "The request's headers are larger than the service reads");
        problems.put("429", "Over the policy api's limit for this principal (Retry-After says when to come back)");
        problems.put("503", "The store cannot answer now; nothing was changed that the answer does not report");
        problems.put("507", "The embedded store is full (its disk, or its maximum size): nothing was written; reads still work");
        if (responses.getAPIResponses() != null) {
            // Every error the resources described (a 409, a 412) answers as a problem too.
            responses.getAPIResponses().forEach((code, response) -> {
                if (code.length() == 3 && code.charAt(0) >= '4' && !problems.containsKey(code)) {
                    problems.put(code, response.getDescription());
                }
            });
        }
        for (Map.Entry<String, String> problem : problems.entrySet()) {
            APIResponse response = responses.getAPIResponse(problem.getKey());
            if (response == null) {
                responses.addAPIResponse(problem.getKey(), OASFactory.createAPIResponse().description(problem.getValue())
                        .content(bodiless ? null : problemContent(problem.getKey(), problem.getValue())));
            } else if (bodiless) {
                continue;
            } else if (response.getContent() == null || response.getContent().getMediaTypes() == null
                    || response.getContent().getMediaTypes().isEmpty()) {
                response.setContent(problemContent(problem.getKey(), problem.getValue()));
            }
        }
    }

    /** The HEAD of a GET: the same parameters and statuses and headers, never a body. */
    private static Operation headOf(Operation get) {
        Operation head = OASFactory.createOperation().operationId(get.getOperationId() + "Head").tags(get.getTags())
                .summary("Check " + (get.getSummary() == null ? "it" : get.getSummary().toLowerCase(java.util.Locale.ROOT))
                        + ", without the body")
                .description("As the GET, with the same status and headers (ETag), and no body.")
                .parameters(get.getParameters());
        APIResponses responses = OASFactory.createAPIResponses();
        if (get.getResponses() != null && get.getResponses().getAPIResponses() != null) {
            get.getResponses().getAPIResponses().forEach((code, response) -> responses.addAPIResponse(code,
                    OASFactory.createAPIResponse().description(response.getDescription()).headers(response.getHeaders())));
        }
        return head.responses(responses);
    }

    private static boolean hasAny(List<Parameter> parameters) {
        return parameters != null && !parameters.isEmpty();
    }

    /** A problem answer of {@code status}, with an example of the first problem type of that status. */
    private static Content problemContent(String status, String description) {
        Map<String, Object> example = new LinkedHashMap<>();
        for (Problem.Type type : Problem.Type.values()) {
            if (Integer.toString(type.status()).equals(status)) {
                Problem problem = type.with(description);
                example.put("type", problem.type());
                example.put("title", problem.title());
                example.put("status", problem.status());
                example.put("detail", problem.detail());
                break;
            }
        }
        return OASFactory.createContent().addMediaType(Problem.MEDIA_TYPE, OASFactory.createMediaType()
                .schema(OASFactory.createSchema().ref(PROBLEM)).example(example.isEmpty() ? null : example));
    }

    /** RFC 9457 problem details, as {@link Problem} writes them. */
    private static Schema problemSchema() {
        Schema string = OASFactory.createSchema().addType(Schema.SchemaType.STRING);
        return OASFactory.createSchema().addType(Schema.SchemaType.OBJECT)
                .description("A problem (RFC 9457): a stable type URI, a title, the status, what went wrong; for invalid "
                        + "input, each violation with the field or parameter it names. Never a stack trace, never a secret.")
                .addRequired("type").addRequired("title").addRequired("status")
                .addProperty("type", OASFactory.createSchema().addType(Schema.SchemaType.STRING).format("uri")
                        .example("urn:cache-domain:problem:validation"))
                .addProperty("title", string)
                .addProperty("status", OASFactory.createSchema().addType(Schema.SchemaType.INTEGER).format("int32"))
                .addProperty("detail", string)
                .addProperty("violations", OASFactory.createSchema().addType(Schema.SchemaType.ARRAY)
                        .items(OASFactory.createSchema().addType(Schema.SchemaType.OBJECT)
                                .addProperty("field", string).addProperty("message", string)));
    }

    /** Sets the example of a JSON Lines file on the export's answer and on the import's body. */
    private static void jsonLines(PathItem export, PathItem imports, String name, String example) {
        if (export != null && export.getGET() != null && export.getGET().getResponses() != null
                && export.getGET().getResponses().getAPIResponse("200") != null) {
            var lines = export.getGET().getResponses().getAPIResponse("200").getContent().getMediaType(ExportResource.JSON_LINES);
            if (lines != null) {
                lines.setExamples(new java.util.LinkedHashMap<>(Map.of(name, OASFactory.createExample().value(example))));
            }
        }
        if (imports != null && imports.getPOST() != null && imports.getPOST().getRequestBody() != null
                && imports.getPOST().getRequestBody().getContent() != null) {
            imports.getPOST().getRequestBody().getContent().getMediaTypes().values().forEach(file -> file
                    .schema(OASFactory.createSchema().addType(Schema.SchemaType.STRING).description("a file of JSON Lines"))
                    .setExamples(new java.util.LinkedHashMap<>(Map.of(name, OASFactory.createExample().value(example)))));
        }
    }
}
