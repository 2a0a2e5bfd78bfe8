package infrastructure.rest;

import io.smallrye.mutiny.Uni;
import jakarta.inject.Singleton;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Response;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Which methods each path answers, read from the resources' own annotations, so that {@code Allow}
 * (on a 405, and as the answer to {@code OPTIONS}) lists exactly the methods that work on that path.
 * RESTEasy Reactive lists every method of the resource class instead, such as {@code POST} on
 * {@code /v1/projects/{projectId}/cache/{key}} (the class's {@code POST} is {@code cache/invalidations}).
 *
 * <p>A path's methods are those of every endpoint whose template matches it: RESTEasy Reactive picks
 * the method first and the template among that method's, so {@code GET .../cache/invalidations} reads
 * the entry named {@code invalidations}. No two resource classes here share a path below their own.
 */
@Singleton
public class AllowedMethods {

    /** Every resource class; {@code AllowedMethodsTest} fails when one is missing. */
    static final List<Class<?>> RESOURCES = List.of(CacheResource.class, CacheKeyResource.class, ProgressResource.class,
            ProjectRateLimitResource.class, RateLimitResource.class, SessionResource.class, ApiKeyResource.class,
            HealthResource.class, KeyResource.class, SessionKeyResource.class, ExportResource.class, ImportResource.class,
            BackupResource.class, TaskResource.class, TaskClaimResource.class, ProjectResource.class, CredentialsResource.class);

    private record Endpoint(Pattern path, String method) {
    }

    private final List<Endpoint> endpoints = new ArrayList<>();

    public AllowedMethods() {
        for (Class<?> resource : RESOURCES) {
            for (Method method : resource.getMethods()) {
                String verb = verbOf(method);
                if (verb == null) {
                    continue;
                }
                endpoints.add(new Endpoint(template(pathOf(resource, method)), verb));
            }
        }
    }

    /** The methods {@code path} answers, with HEAD where GET works and OPTIONS; empty when no endpoint has that path. */
    public Set<String> of(String path) {
        Set<String> allowed = new TreeSet<>();
        for (Endpoint endpoint : endpoints) {
            if (endpoint.path().matcher(path).matches()) {
                allowed.add(endpoint.method());
                if (endpoint.method().equals(HttpMethod.GET)) {
                    allowed.add(HttpMethod.HEAD);
                }
            }
        }
        if (!allowed.isEmpty()) {
            allowed.add(HttpMethod.OPTIONS);
        }
        return allowed;
    }

    /** The {@code Allow} header's value for {@code path}, or null when no endpoint has that path. */
    public String header(String path) {
        Set<String> allowed = of(path);
        return allowed.isEmpty() ? null : String.join(", ", allowed);
    }

    /** Answers {@code OPTIONS} with the path's methods; runs after authentication, like every other method. */
    @ServerRequestFilter(preMatching = true, priority = 300)
    public Uni<Response> answerOptions(ContainerRequestContext request) {
        if (!HttpMethod.OPTIONS.equals(request.getMethod())) {
            return Uni.createFrom().nullItem();
        }
        String allow = header(request.getUriInfo().getPath());
        return Uni.createFrom().item(allow == null ? null : Response.ok().header("Allow", allow).build());
    }

    /** The HTTP method an endpoint method answers, by its annotation ({@code @GET}, ...); null for a method that is not an endpoint. */
    static String verbOf(Method method) {
        for (Annotation annotation : method.getAnnotations()) {
            HttpMethod verb = annotation.annotationType().getAnnotation(HttpMethod.class);
            if (verb != null) {
                return verb.value();
            }
        }
        return null;
    }

    /** An endpoint method's path template: its resource's {@code @Path} and its own, joined, without a trailing slash. */
    static String pathOf(Class<?> resource, Method method) {
        Path sub = method.getAnnotation(Path.class);
        String joined = ("/" + resource.getAnnotation(Path.class).value() + "/" + (sub == null ? "" : sub.value())).replaceAll("/+", "/");
        return joined.length() > 1 && joined.endsWith("/") ? joined.substring(0, joined.length() - 1) : joined;
    }

    /** A path template as a pattern: each {@code {parameter}} one segment, a trailing slash allowed. */
    private static Pattern template(String joined) {
        StringBuilder regex = new StringBuilder();
        for (String part : joined.split("(?=\\{)|(?<=\\})")) {
            regex.append(part.startsWith("{") ? "[^/]+" : Pattern.quote(part));
        }
        return Pattern.compile(regex + "/?");
    }
}
