package support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.restassured.RestAssured;
import io.restassured.filter.Filter;
import io.restassured.filter.FilterContext;
import io.restassured.response.Response;
import io.restassured.specification.FilterableRequestSpecification;
import io.restassured.specification.FilterableResponseSpecification;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Checks every answer a test gets from the service against the service's own OpenAPI document: the
 * status must be one the operation lists, and a JSON body must match the schema listed for it (JSON
 * Schema 2020-12, as OpenAPI 3.1 writes schemas). A mismatch fails the test at the request.
 */
public final class OpenApiContract implements Filter {

    public static final OpenApiContract INSTANCE = new OpenApiContract();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String DOCUMENT = "urn:cache-domain:openapi";

    private volatile Document document;

    private OpenApiContract() {
    }

    private OpenApiContract(String documentText) {
        this.document = new Document(documentText);
    }

    /** A contract over {@code documentText} rather than the service's document: for tests of the checks themselves. */
    public static OpenApiContract over(String documentText) {
        return new OpenApiContract(documentText);
    }

    @Override
    public Response filter(FilterableRequestSpecification request, FilterableResponseSpecification responseSpec, FilterContext ctx) {
        Response response = ctx.next(request, responseSpec);
        check(request.getMethod(), URI.create(request.getURI()).getPath(), response.statusCode(), response.contentType(),
                response.asString());
        return response;
    }

    /** Fails when the answer ({@code contentType} may be null or empty) breaks the document. */
    public void check(String method, String path, int status, String contentType, String body) {
        if (!path.startsWith("/v1/")) {
            return;
        }
        List<String> violations = document().check(method, path, status, contentType, body);
        if (!violations.isEmpty()) {
            throw new AssertionError("the answer to " + method + " " + path + " (" + status + ") breaks the OpenAPI document: "
                    + violations + "\nbody: " + body);
        }
    }

    /** The document, read once from {@code /q/openapi} (or the text this contract was made {@link #over}). */
    public JsonNode tree() {
        return document().root;
    }

    /**
     * The violations of {@code value} against the schema at {@code pointer} (a JSON pointer into the document,
     * such as {@code /paths/~1v1~1sessions/post/responses/201/content/application~1json/schema}); empty when it matches.
     */
    public List<String> validate(String pointer, JsonNode value) {
        return document().validate(pointer, value);
    }

    /** {@code segment} escaped for a JSON pointer. */
    public static String escape(String segment) {
        return segment.replace("~", "~0").replace("/", "~1");
    }

    private Document document() {
        Document d = document;
        if (d == null) {
            synchronized (this) {
                if (document == null) {
                    String text = RestAssured.given().get("/q/openapi?format=json").then().statusCode(200).extract().asString();
                    document = new Document(text);
                }
                d = document;
            }
        }
        return d;
    }

    /** The document, its operations' path templates, and the schemas compiled so far. */
    private static final class Document {
        private final JsonNode root;
        private final JsonSchemaFactory schemas;
        private final List<Template> templates = new ArrayList<>();
        private final Map<String, JsonSchema> compiled = new ConcurrentHashMap<>();

        Document(String text) {
            try {
                root = JSON.readTree(text);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            schemas = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012,
                    builder -> builder.schemaLoaders(loaders -> loaders.schemas(Map.of(DOCUMENT, text))));
            root.path("paths").fieldNames().forEachRemaining(template -> templates.add(new Template(template,
                    Pattern.compile(template.replaceAll("\\{[^/}]+}", "[^/]+")), template.chars().filter(c -> c == '{').count())));
            templates.sort(Comparator.comparingLong(Template::parameters));
        }

        List<String> check(String method, String path, int code, String contentType, String body) {
            Template template = templates.stream().filter(t -> t.pattern().matcher(path).matches()).findFirst().orElse(null);
            if (template == null) {
                return List.of(); // no operation: the router's 404, which the document cannot list
            }
            String verb = method.toLowerCase(Locale.ROOT);
            JsonNode operation = root.path("paths").path(template.template()).path(verb);
            if (operation.isMissingNode()) {
                return List.of(); // the router's 405
            }
            String status = Integer.toString(code);
            JsonNode described = operation.path("responses").path(status);
            if (described.isMissingNode()) {
                return List.of(verb + " " + template.template() + " does not list " + status);
            }
            String type = contentType == null ? "" : contentType.split(";")[0].trim();
            if (body.isEmpty() || !(type.equals("application/json") || type.equals("application/problem+json"))) {
                return List.of();
            }
            JsonNode content = described.path("content");
            if (!content.has(type)) {
                return List.of(verb + " " + template.template() + " " + status + " lists no " + type + " (it lists "
                        + names(content.fieldNames()) + ")");
            }
            if (!content.path(type).has("schema")) {
                return List.of();
            }
            String pointer = "/paths/" + escape(template.template()) + "/" + verb + "/responses/" + status + "/content/"
                    + escape(type) + "/schema";
            try {
                return validate(pointer, JSON.readTree(body));
            } catch (IOException e) {
                return List.of("the body is not JSON: " + e.getMessage());
            }
        }

        List<String> validate(String pointer, JsonNode value) {
            JsonSchema schema = compiled.computeIfAbsent(pointer,
                    p -> schemas.getSchema(SchemaLocation.of(DOCUMENT + "#" + p)));
            Set<ValidationMessage> messages = schema.validate(value);
            return messages.stream().map(ValidationMessage::getMessage).toList();
        }

        private static List<String> names(Iterator<String> names) {
            List<String> all = new ArrayList<>();
            names.forEachRemaining(all::add);
            return all;
        }
    }

    private record Template(String template, Pattern pattern, long parameters) {
    }
}
