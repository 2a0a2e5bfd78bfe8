package infrastructure.rest;

import io.vertx.core.net.impl.URIDecoder;

/**
 * A resource's path template, {@code /v1/projects/{projectId}/cache/{key}}, matched against a
 * request's path segment by segment. Vert.x-Web matches a route with parameters by a regular
 * expression, and tries its routes one after the other: with a dozen direct routes that was 3 % of a
 * task request's CPU. A parameter takes one whole segment, not empty, decoded as Vert.x-Web decodes a
 * path parameter ({@code %2F} is a '/' in the value, '+' stays '+'). A path with more or fewer
 * segments, or a trailing '/', does not match: such a request goes on to RESTEasy, which answers it as
 * it answers every request.
 */
final class PathTemplate {

    private final String template;
    /** Each segment's literal text, or null where the template has a parameter. */
    private final String[] literals;
    /** Each segment's parameter name, or null where the template has a literal. */
    private final String[] names;

    private PathTemplate(String template, String[] literals, String[] names) {
        this.template = template;
        this.literals = literals;
        this.names = names;
    }

    /** The template of a JAX-RS path: segments of literal text or {@code {name}}, after a leading '/'. */
    static PathTemplate of(String template) {
        if (!template.startsWith("/") || template.endsWith("/")) {
            throw new IllegalArgumentException("not a path template: " + template);
        }
        String[] segments = template.substring(1).split("/", -1);
        String[] literals = new String[segments.length];
        String[] names = new String[segments.length];
        for (int i = 0; i < segments.length; i++) {
            String segment = segments[i];
            if (segment.startsWith("{") && segment.endsWith("}") && segment.length() > 2) {
                names[i] = segment.substring(1, segment.length() - 1);
            } else if (segment.isEmpty() || segment.contains("{") || segment.contains("}")) {
                throw new IllegalArgumentException("not a path template: " + template);
            } else {
                literals[i] = segment;
            }
        }
        return new PathTemplate(template, literals, names);
    }

    String template() {
        return template;
    }

    /**
     * The parameters of {@code path} (a normalized request path, still percent-encoded), or null when
     * it does not match. A parameter that cannot be decoded fails with {@link IllegalArgumentException}.
     */
    Params match(String path) {
        if (path == null || path.isEmpty() || path.charAt(0) != '/') {
            return null;
        }
        String[] values = new String[literals.length];
        int start = 1;
        for (int i = 0; i < literals.length; i++) {
            int end = path.indexOf('/', start);
            boolean last = i == literals.length - 1;
            if (last ? end >= 0 : end < 0) {
                return null;
            }
            if (last) {
                end = path.length();
            }
            int length = end - start;
            if (literals[i] != null) {
                if (length != literals[i].length() || !path.startsWith(literals[i], start)) {
                    return null;
                }
            } else if (length == 0) {
                return null;
            } else {
                values[i] = path.substring(start, end);
            }
            start = end + 1;
        }
        for (int i = 0; i < values.length; i++) {
            if (values[i] != null) {
                values[i] = URIDecoder.decodeURIComponent(values[i], false);
            }
        }
        return new Params(this, values);
    }

    @Override
    public String toString() {
        return template;
    }

    /** A matched path's parameters, by name. */
    static final class Params {

        private final PathTemplate template;
        private final String[] values;

        private Params(PathTemplate template, String[] values) {
            this.template = template;
            this.values = values;
        }

        /** The decoded value of the parameter {@code name}; null when the template has none of that name. */
        String get(String name) {
            for (int i = 0; i < values.length; i++) {
                if (name.equals(template.names[i])) {
                    return values[i];
                }
            }
            return null;
        }
    }
}
