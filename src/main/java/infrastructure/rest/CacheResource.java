package infrastructure.rest;

import domain.access.Principal;
import application.CacheService;
import application.EncryptionService;
import com.fasterxml.jackson.annotation.JsonRawValue;
import domain.access.Scope;
import domain.cache.CacheEntry;
import domain.cache.CacheKey;
import domain.cache.CacheTag;
import domain.cache.Invalidation;
import domain.cache.KeyPage;
import domain.cache.KeyPattern;
import domain.cache.PageSize;
import domain.cache.Precondition;
import domain.cache.PutOutcome;
import domain.project.ProjectId;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.EntityTag;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The project cache over HTTP: {@code /v1/projects/{projectId}/cache}. */
@Path("/v1/projects/{projectId}")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "cache", description = "Project-isolated JSON cache with TTLs, versions and tags")
public class CacheResource {

    private final CacheService cache;
    private final EncryptionService encryption;
    private final Caller caller;
    public CacheResource(CacheService cache, EncryptionService encryption, Caller caller) {
        this.cache = cache;
        this.encryption = encryption;
        this.caller = caller;
    }

    /** The body of a write. {@code value} is any JSON, {@code null} included; it is required. */
    @RegisterForReflection
    public record PutEntryRequest(JsonValue value, Long ttlSeconds, List<String> tags) {
    }

    /** The answer to a write. */
    @RegisterForReflection
    public record WrittenEntry(String key, long version, Instant expiresAt) {

        static final String CREATED = "{\"key\": \"user:42:profile\", \"version\": 1795341000412318, "
                + "\"expiresAt\": \"2026-11-22T10:00:00.412Z\"}";
        static final String REPLACED = "{\"key\": \"user:42:profile\", \"version\": 1795341511904318, "
                + "\"expiresAt\": \"2026-11-22T10:08:31.904Z\"}";
    }

    /** The answer to a write the store could not take, dropped as the deployment configured: not stored. */
    @RegisterForReflection
    public record DroppedEntry(String key, boolean stored) {

        static final String EXAMPLE = "{\"key\": \"user:42:profile\", \"stored\": false}";
    }

    /** An entry as served; {@code value} is the stored JSON, verbatim. */
    @RegisterForReflection
    public record EntryResponse(String key, @Schema(ref = "JsonValue") @JsonRawValue String value, long version, List<String> tags,
            Instant createdAt, Instant expiresAt, long hits, Instant lastAccessAt) {

        static final String EXAMPLE = "{\"key\": \"user:42:profile\", \"value\": {\"name\": \"Ada\", \"plan\": \"pro\"}, "
                + "\"version\": 1795341000412318, \"tags\": [\"user:42\"], \"createdAt\": \"2026-11-22T09:50:00.412Z\", "
                + "\"expiresAt\": \"2026-11-22T10:00:00.412Z\", \"hits\": 3, \"lastAccessAt\": \"2026-11-22T09:55:12.087Z\"}";

        static EntryResponse from(CacheEntry e) {
            return new EntryResponse(e.key().value(), e.value(), e.version(),
                    e.tags().stream().map(CacheTag::value).sorted().toList(),
                    e.createdAt(), e.expiresAt(), e.hits(), e.lastAccessAt());
        }

        /**
         * The same JSON Jackson writes for this record, written directly: the hottest response, and
         * one whose strings need no escaping (keys and tags are of an alphabet without quotes,
         * backslashes or control characters; the value is stored JSON, served verbatim).
         */
        String json() {
            StringBuilder out = new StringBuilder(160 + value.length() + 16 * tags.size());
            out.append("{\"key\":\"").append(key).append("\",\"value\":").append(value)
                    .append(",\"version\":").append(version).append(",\"tags\":[");
            for (int i = 0; i < tags.size(); i++) {
                out.append(i == 0 ? "\"" : ",\"").append(tags.get(i)).append('"');
            }
            return out.append("],\"createdAt\":\"").append(Timestamps.format(createdAt))
                    .append("\",\"expiresAt\":\"").append(Timestamps.format(expiresAt))
                    .append("\",\"hits\":").append(hits)
                    .append(",\"lastAccessAt\":\"").append(Timestamps.format(lastAccessAt)).append("\"}").toString();
        }
    }

    /** What to invalidate: any of named keys, tags, and a glob pattern. */
    @RegisterForReflection
    public record InvalidationRequest(List<String> keys, List<String> tags, String pattern) {
    }

    /** How many live entries an invalidation removed. */
    @RegisterForReflection
    public record Invalidated(long invalidated) {

        static final String SOME = "{\"invalidated\": 12}";
        static final String ALL = "{\"invalidated\": 340}";
    }

    /** One page of keys; {@code nextCursor} is null on the last page. */
    @RegisterForReflection
    public record KeyListing(List<String> items, String nextCursor) {

        /** A page that is not the last: its cursor is the one this service writes after user:2. */
        static final String EXAMPLE = "{\"items\": [\"user:1\", \"user:2\"], \"nextCursor\": \"a2V5czp1c2VyOjI\"}";
    }

    /** Access statistics of the project's cache. */
    @RegisterForReflection
    public record Stats(long entries, long hits, long misses, double hitRate) {

        static final String EXAMPLE = "{\"entries\": 120, \"hits\": 900, \"misses\": 100, \"hitRate\": 0.9}";
    }

    @PUT
    @Path("cache/{key}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Write an entry",
            description = "Creates (201) or replaces (200) the entry. If-Match: \"<version>\" or * replaces only that "
                    + "version or an existing entry; If-None-Match: * creates only. A failed condition gives 412.")
    @RequestBody(content = @Content(examples = @ExampleObject(name = "user profile",
            value = "{\"value\": {\"name\": \"Ada\", \"plan\": \"pro\"}, \"ttlSeconds\": 600, \"tags\": [\"user:42\"]}")))
    @APIResponse(responseCode = "201", description = "Created", content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = WrittenEntry.class), examples = @ExampleObject(name = "created",
            value = WrittenEntry.CREATED)))
    @APIResponse(responseCode = "200", description = "Replaced", content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = WrittenEntry.class), examples = @ExampleObject(name = "replaced",
            value = WrittenEntry.REPLACED)))
    @APIResponse(responseCode = "202", description = "Not stored: the store could not take the write and the deployment "
            + "drops writes then (CACHE_DOMAIN_CACHE_WRITE_FAILURE=drop)", content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = DroppedEntry.class), examples = @ExampleObject(name = "dropped",
            value = DroppedEntry.EXAMPLE)))
    @APIResponse(responseCode = "412", description = "The If-Match or If-None-Match condition failed")
    @APIResponse(responseCode = "413", description = "The value is larger than the configured maximum")
    @Requires(Scope.CACHE_WRITE)
    public Uni<Response> put(@PathParam("projectId") String projectId, @PathParam("key") String key,
            @HeaderParam(HttpHeaders.IF_MATCH) String ifMatch, @HeaderParam(HttpHeaders.IF_NONE_MATCH) String ifNoneMatch,
            PutEntryRequest body) {
        return write(caller.principal(), projectId, key, ifMatch, ifNoneMatch, body);
    }

    /** {@link #put} for {@code principal}, authenticated and counted against the policy {@code api} by the caller. */
    Uni<Response> write(Principal principal, String projectId, String key, String ifMatch, String ifNoneMatch, PutEntryRequest body) {
        Violations violations = new Violations();
        ProjectId project = violations.check("projectId", () -> ProjectId.of(projectId));
        CacheKey cacheKey = violations.check("key", () -> CacheKey.of(key));
        Precondition precondition = precondition(ifMatch, ifNoneMatch, violations);
        Set<CacheTag> tags = new LinkedHashSet<>();
        if (body == null || body.value() == null) {
            violations.add("value", "value is required; send {\"value\": <any JSON>}");
        }
        if (body != null && body.tags() != null) {
            for (int i = 0; i < body.tags().size(); i++) {
                String raw = body.tags().get(i);
                CacheTag tag = violations.check("tags[" + i + "]", () -> CacheTag.of(raw));
                if (tag != null) {
                    tags.add(tag);
                }
            }
        }
        violations.throwIfAny();
        OptionalLong ttl = body.ttlSeconds() == null ? OptionalLong.empty() : OptionalLong.of(body.ttlSeconds());
        return cache.write(principal, project, cacheKey, body.value().text(), ttl, tags, precondition)
                .map(outcome -> {
                    if (outcome instanceof PutOutcome.Stored stored) {
                        return Response.status(stored.created() ? Response.Status.CREATED : Response.Status.OK)
                                .tag(etag(stored.version()))
                                .entity(new WrittenEntry(cacheKey.value(), stored.version(), stored.expiresAt()))
                                .build();
                    }
                    if (outcome instanceof PutOutcome.Dropped) {
                        return Response.accepted(new DroppedEntry(cacheKey.value(), false)).build();
                    }
                    return Problem.Type.PRECONDITION_FAILED.response(
                            "the entry does not match the request's If-Match or If-None-Match condition");
                });
    }

    @GET
    @Path("cache/{key}")
    @Operation(summary = "Read an entry",
            description = "200 with the entry and its ETag; 304 when If-None-Match names the current version; "
                    + "404 on a miss. HEAD answers the same status with no body.")
    @APIResponse(responseCode = "200", description = "Hit", content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = EntryResponse.class), examples = @ExampleObject(name = "hit",
            value = EntryResponse.EXAMPLE)))
    @APIResponse(responseCode = "304", description = "Not modified")
    @APIResponse(responseCode = "404", description = "Miss")
    @Requires(Scope.CACHE_READ)
    public Uni<Response> get(@PathParam("projectId") String projectId, @PathParam("key") String key,
            @HeaderParam(HttpHeaders.IF_NONE_MATCH) String ifNoneMatch) {
        return read(caller.principal(), projectId, key, ifNoneMatch);
    }

    /** {@link #get} for {@code principal}, authenticated and counted against the policy {@code api} by the caller. */
    Uni<Response> read(Principal principal, String projectId, String key, String ifNoneMatch) {
        Violations violations = new Violations();
        ProjectId project = violations.check("projectId", () -> ProjectId.of(projectId));
        CacheKey cacheKey = violations.check("key", () -> CacheKey.of(key));
        violations.throwIfAny();
        return cache.read(principal, project, cacheKey).map(found -> {
            if (found.isEmpty()) {
                return Problem.Type.NOT_FOUND.response("no live entry under this key");
            }
            CacheEntry entry = found.get();
            EntityTag etag = etag(entry.version());
            if (ifNoneMatch != null && matchesAny(ifNoneMatch, entry.version())) {
                return Response.notModified(etag).build();
            }
            return Response.ok(EntryResponse.from(entry).json(), MediaType.APPLICATION_JSON_TYPE).tag(etag).build();
        });
    }

    @DELETE
    @Path("cache/{key}")
    @Operation(summary = "Remove an entry", description = "204 whether or not the entry existed.")
    @APIResponse(responseCode = "204", description = "Removed, or absent")
    @Requires(Scope.CACHE_WRITE)
    public Uni<Response> delete(@PathParam("projectId") String projectId, @PathParam("key") String key) {
        Violations violations = new Violations();
        ProjectId project = violations.check("projectId", () -> ProjectId.of(projectId));
        CacheKey cacheKey = violations.check("key", () -> CacheKey.of(key));
        violations.throwIfAny();
        return cache.remove(caller.principal(), project, cacheKey).map(removed -> Response.noContent().build());
    }

    @POST
    @Path("cache/invalidations")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Invalidate entries by keys, tags or a glob pattern",
            description = "Removes every entry named in keys, carrying one of tags, or matching pattern "
                    + "(* any run of characters, ? one character). Answers how many live entries went.")
    @RequestBody(content = @Content(examples = @ExampleObject(name = "by tag and pattern",
            value = "{\"tags\": [\"user:42\"], \"pattern\": \"session:42:*\"}")))
    @APIResponse(responseCode = "200", description = "Invalidated",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Invalidated.class),
                    examples = @ExampleObject(name = "count", value = Invalidated.SOME)))
    @Requires(Scope.CACHE_WRITE)
    public Uni<Invalidated> invalidate(@PathParam("projectId") String projectId, InvalidationRequest body) {
        Violations violations = new Violations();
        ProjectId project = violations.check("projectId", () -> ProjectId.of(projectId));
        Set<CacheKey> keys = new LinkedHashSet<>();
        Set<CacheTag> tags = new LinkedHashSet<>();
        KeyPattern pattern = null;
        if (body == null) {
            violations.add("", "send {\"keys\"?, \"tags\"?, \"pattern\"?} with at least one of them");
        } else {
            List<String> rawKeys = body.keys() == null ? List.of() : body.keys();
            for (int i = 0; i < rawKeys.size() && i <= Invalidation.MAX_KEYS; i++) {
                String raw = rawKeys.get(i);
                CacheKey k = violations.check("keys[" + i + "]", () -> CacheKey.of(raw));
                if (k != null) {
                    keys.add(k);
                }
            }
            List<String> rawTags = body.tags() == null ? List.of() : body.tags();
            for (int i = 0; i < rawTags.size() && i <= Invalidation.MAX_TAGS; i++) {
                String raw = rawTags.get(i);
                CacheTag t = violations.check("tags[" + i + "]", () -> CacheTag.of(raw));
                if (t != null) {
                    tags.add(t);
                }
            }
            if (body.pattern() != null) {
                pattern = violations.check("pattern", () -> KeyPattern.of(body.pattern()));
            }
        }
        violations.throwIfAny();
        Optional<KeyPattern> selected = Optional.ofNullable(pattern);
        Invalidation invalidation = violations.check(() -> new Invalidation(keys, tags, selected));
        violations.throwIfAny();
        return cache.invalidate(caller.principal(), project, invalidation).map(Invalidated::new);
    }

    @DELETE
    @Path("cache")
    @Operation(summary = "Clear the project's cache", description = "Removes every entry of this project and nothing else. "
            + "With shred=true (scope admin on the project) its encryption keyset is destroyed first, so that a copy of "
            + "its encrypted values made apart from the keyset can never be read again (a backup of the whole store taken "
            + "before holds the wrapped keyset too).")
    @APIResponse(responseCode = "200", description = "Cleared",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Invalidated.class),
                    examples = @ExampleObject(name = "count", value = Invalidated.ALL)))
    @Requires(Scope.CACHE_WRITE)
    public Uni<Invalidated> clear(@PathParam("projectId") String projectId,
            @Parameter(description = "true: destroy the project's encryption keyset first (scope admin); default false")
            @QueryParam("shred") String shred) {
        Violations violations = new Violations();
        ProjectId project = violations.check("projectId", () -> ProjectId.of(projectId));
        if (shred != null && !shred.equals("true") && !shred.equals("false")) {
            violations.add("shred", "shred is true or false");
        }
        violations.throwIfAny();
        boolean shredding = "true".equals(shred);
        Uni<Boolean> keys = shredding ? encryption.shred(caller.principal(), project) : Uni.createFrom().item(false);
        return keys.chain(() -> cache.clear(caller.principal(), project)).map(Invalidated::new);
    }

    @GET
    @Path("cache")
    @Operation(summary = "List keys",
            description = "Live keys in lexical order, filtered by a glob pattern. A page may hold fewer keys than "
                    + "limit, even none, while nextCursor is set; the walk ends when nextCursor is null.")
    @APIResponse(responseCode = "200", description = "A page of keys", content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = KeyListing.class),
            examples = @ExampleObject(name = "page", value = KeyListing.EXAMPLE)))
    @Requires(Scope.CACHE_READ)
    public Uni<KeyListing> list(@PathParam("projectId") String projectId,
            @Parameter(description = "glob: * any run of characters, ? one character; default *") @QueryParam("pattern") String pattern,
            @Parameter(description = "nextCursor of the previous page; absent for the first") @QueryParam("cursor") String cursor,
            @Parameter(description = "1 to 1000, default 100") @QueryParam("limit") String limit) {
        Violations violations = new Violations();
        ProjectId project = violations.check("projectId", () -> ProjectId.of(projectId));
        KeyPattern glob = pattern == null ? KeyPattern.ALL : violations.check("pattern", () -> KeyPattern.of(pattern));
        PageSize size = PageSize.of(Paging.limit(limit, violations));
        Optional<CacheKey> after = Paging.position(Paging.Listing.CACHE_KEYS, cursor, CacheKey::of, violations);
        violations.throwIfAny();
        return cache.list(caller.principal(), project, glob, after, size).map(CacheResource::listing);
    }

    @GET
    @Path("cache-stats")
    @Operation(summary = "Cache statistics", description = "Live entries, hits, misses and hit rate of the project.")
    @APIResponse(responseCode = "200", description = "Statistics", content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = Stats.class), examples = @ExampleObject(name = "stats", value = Stats.EXAMPLE)))
    @Requires(Scope.CACHE_READ)
    public Uni<Stats> stats(@PathParam("projectId") String projectId) {
        ProjectId project = parseProject(projectId);
        return cache.stats(caller.principal(), project)
                .map(s -> new Stats(s.entries(), s.hits(), s.misses(), s.hitRate()));
    }

    private static ProjectId parseProject(String projectId) {
        Violations violations = new Violations();
        ProjectId project = violations.check("projectId", () -> ProjectId.of(projectId));
        violations.throwIfAny();
        return project;
    }

    private static KeyListing listing(KeyPage page) {
        return new KeyListing(page.keys().stream().map(CacheKey::value).toList(),
                page.after().map(k -> Paging.cursor(Paging.Listing.CACHE_KEYS, k.value())).orElse(null));
    }

    private static EntityTag etag(long version) {
        return new EntityTag(Long.toString(version));
    }

    /** Reads If-Match and If-None-Match of a write into its precondition; malformed values are violations. */
    private static Precondition precondition(String ifMatch, String ifNoneMatch, Violations violations) {
        if (ifMatch != null && ifNoneMatch != null) {
            violations.add("If-Match", "send If-Match or If-None-Match, not both");
            return Precondition.always();
        }
        if (ifNoneMatch != null) {
            if (!ifNoneMatch.trim().equals("*")) {
                violations.add("If-None-Match", "on a write, If-None-Match must be *");
            }
            return new Precondition.IfAbsent();
        }
        if (ifMatch == null) {
            return Precondition.always();
        }
        String value = ifMatch.trim();
        if (value.equals("*")) {
            return new Precondition.IfPresent();
        }
        OptionalLong version = strongVersion(value);
        if (version.isEmpty()) {
            violations.add("If-Match", "If-Match must be * or one quoted version such as \"12\"");
            return Precondition.always();
        }
        return new Precondition.IfVersion(version.getAsLong());
    }

    /** True when a comma-separated If-None-Match list holds * or this version (weak comparison, RFC 9110). */
    private static boolean matchesAny(String header, long version) {
        for (String part : header.split(",")) {
            String tag = part.trim();
            if (tag.equals("*")) {
                return true;
            }
            if (tag.startsWith("W/")) {
                tag = tag.substring(2);
            }
            OptionalLong v = strongVersion(tag);
            if (v.isPresent() && v.getAsLong() == version) {
                return true;
            }
        }
        return false;
    }

    private static OptionalLong strongVersion(String quoted) {
        if (quoted.length() < 3 || quoted.charAt(0) != '"' || quoted.charAt(quoted.length() - 1) != '"') {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Long.parseLong(quoted.substring(1, quoted.length() - 1)));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }
}
