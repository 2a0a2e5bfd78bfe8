package infrastructure.rest;

import application.AccessDeniedException;
import application.CredentialTransferService;
import application.RequestContexts;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import domain.InvalidValueException;
import domain.access.ApiKey;
import domain.access.ApiKeyName;
import domain.access.Principal;
import domain.access.ProjectAccess;
import domain.access.Scope;
import domain.project.ProjectId;
import domain.session.SessionId;
import domain.session.SessionPolicy;
import domain.session.StoredSession;
import domain.session.UserId;
import domain.session.UserSession;
import infrastructure.config.StoreConfig;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.RestMulti;

/**
 * The service's credentials over HTTP, for a copy of the service: {@code GET /v1/admin/credentials/export}
 * streams every API key (its secret's digest) and live session (its verifier's digest) as JSON Lines,
 * and {@code POST /v1/admin/credentials/import?includeCredentials=true} takes such a file. Both need
 * the scope {@code admin} on every project (format in {@code docs/export-format.md}).
 */
@Path(CredentialsResource.PATH)
@Tag(name = "admin")
public class CredentialsResource {

    static final String PATH = "/v1/admin/credentials";
    /** The name of the format, in every credentials file's header line. */
    static final String FORMAT = "cache-domain-credentials";
    /** Its version: a reader refuses a version it does not know. */
    static final int VERSION = 1;
    /** How far after this service's now a copied session may say it was last active: the clocks' difference. */
    static final Duration CLOCK_SKEW = Duration.ofMinutes(1);

    private static final Logger LOG = Logger.getLogger(CredentialsResource.class);

    /** The example in the OpenAPI document, set there as text by {@link OpenApiDocument}. */
    static final String EXAMPLE = """
            {"type":"header","format":"cache-domain-credentials","version":1,"store":"redis","exportedAt":"2026-12-06T07:00:00.000Z"}
            {"type":"apikey","name":"shop-backend","secretDigest":"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",\
            "projects":["shop"],"scopes":["cache:read","cache:write"],"createdAt":"2026-12-01T09:00:00.000Z"}
            {"type":"session","id":"6d894aa3ee802549Xq3Zr2Wl0s7Hq4YtDk8L1a","userId":"user-42","userData":{"name":"Ada"},\
            "projectAccess":["shop"],"createdAt":"2026-12-06T06:00:00.000Z","lastActivityAt":"2026-12-06T06:58:00.000Z",\
            "idleTimeoutSeconds":1800,"absoluteExpiresAt":"2026-12-06T14:00:00.000Z",\
            "verifierDigest":"60303ae22b998861bce3b28f33eec1be758a213c86c93c076dbe9f558c11c752"}
            {"type":"end","apikeys":1,"sessions":1,"unreadable":0}
            """;

    private final RequestContexts contexts;
    private final CredentialTransferService transfers;
    private final Caller caller;
    private final Clock clock;
    private final ObjectMapper json;
    private final SessionPolicy sessionPolicy;
    private final String store;

    public CredentialsResource(CredentialTransferService transfers, Caller caller, Clock clock, ObjectMapper json,
            SessionPolicy sessionPolicy, StoreConfig store, RequestContexts contexts) {
        this.contexts = contexts;
        this.transfers = transfers;
        this.caller = caller;
        this.clock = clock;
        this.json = json;
        this.sessionPolicy = sessionPolicy;
        this.store = store.store().name().toLowerCase(Locale.ROOT);
    }

    /** An API key's line. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @RegisterForReflection
    record KeyLine(String type, String name, String secretDigest, List<String> projects, List<String> scopes, String createdAt,
            String expiresAt) {
    }

    /** A session's line; the user data is JSON, written as it is. */
    @RegisterForReflection
    record SessionLine(String type, String id, String userId, @com.fasterxml.jackson.annotation.JsonRawValue String userData,
            List<String> projectAccess, String createdAt, String lastActivityAt, long idleTimeoutSeconds, String absoluteExpiresAt,
            String verifierDigest) {
    }

    @GET
    @Path("export")
    @Produces(ExportResource.JSON_LINES)
    @Operation(summary = "Export the service's credentials",
            description = "Streams every API key and every live session as JSON Lines (docs/export-format.md): a header, "
                    + "one apikey line per key (its name, grants, creation and expiry, and the SHA-256 digest of its secret: "
                    + "never the secret), one session line per live session (its user, user data, project access, times "
                    + "and the digest of its token's verifier: never a token), and an end line counting them. Imported "
                    + "into another service (POST /v1/admin/credentials/import), they make the same keys and tokens work "
                    + "there: keep the file as you keep the secrets. Needs admin on every project and sessions. An instance "
                    + "runs 2 at once at most (429).")
    @APIResponse(responseCode = "200", description = "The credentials", content = @Content(mediaType = ExportResource.JSON_LINES,
            schema = @Schema(type = org.eclipse.microprofile.openapi.annotations.enums.SchemaType.STRING)))
    @Requires(value = Scope.ADMIN, serviceWide = true)
    public Multi<byte[]> export() {
        Principal principal = caller.principal();
        Uni<Multi<CredentialTransferService.Item>> items = transfers.export(principal);
        Instant exportedAt = clock.instant();
        AtomicLong keys = new AtomicLong();
        AtomicLong sessions = new AtomicLong();
        AtomicLong unreadable = new AtomicLong();
        AtomicBoolean answered = new AtomicBoolean();
        Multi<String> lines = Multi.createFrom().uni(items).onItem().transformToMultiAndConcatenate(read -> {
            answered.set(true);
            return Multi.createBy().concatenating().streams(
                    Multi.createFrom().item("{\"type\":\"header\",\"format\":\"" + FORMAT + "\",\"version\":" + VERSION
                            + ",\"store\":\"" + store + "\",\"exportedAt\":\"" + Timestamps.format(exportedAt) + "\"}"),
                    read.map(item -> line(item, keys, sessions, unreadable)).filter(line -> !line.isEmpty()),
                    Multi.createFrom().item(() -> "{\"type\":\"end\",\"apikeys\":" + keys.get() + ",\"sessions\":" + sessions.get()
                            + ",\"unreadable\":" + unreadable.get() + "}"));
        })
                .onCompletion().invoke(() -> AUDIT.infof("credentials exported actor=%s keys=%d sessions=%d unreadable=%d",
                        principal.name(), keys.get(), sessions.get(), unreadable.get()))
                .onFailure(failure -> answered.get()).recoverWithMulti(failure -> {
                    LOG.warnf("the export of credentials by %s stopped after %d keys and %d sessions: %s", principal.name(), keys.get(),
                            sessions.get(), failure.getMessage());
                    String detail = failure instanceof AccessDeniedException ? "the credential no longer permits this export"
                            : "the store stopped answering (" + failure.getClass().getSimpleName() + "); this export is incomplete";
                    return Multi.createFrom().item("{\"type\":\"error\",\"detail\":\"" + detail + "\"}");
                });
        return RestMulti.fromMultiData(lines.map(line -> line.getBytes(StandardCharsets.UTF_8))).encodeAsJsonArray(false)
                .header("Cache-Control", "no-store").build();
    }

    private static final Logger AUDIT = Logger.getLogger("audit");

    private String line(CredentialTransferService.Item item, AtomicLong keys, AtomicLong sessions, AtomicLong unreadable) {
        try {
            if (item instanceof CredentialTransferService.Item.Key k) {
                keys.incrementAndGet();
                ApiKey key = k.key();
                return json.writeValueAsString(new KeyLine("apikey", key.name().value(), key.secretDigest(), ApiKeyResource.projectsOf(key),
                        ApiKeyResource.scopesOf(key), Timestamps.format(key.createdAt()), key.expiry().map(Timestamps::format).orElse(null)));
            }
            if (item instanceof CredentialTransferService.Item.Unreadable u) {
                unreadable.addAndGet(u.sessions());
                return "";
            }
            StoredSession stored = ((CredentialTransferService.Item.Session) item).session();
            UserSession s = stored.session();
            sessions.incrementAndGet();
            // User data is stored JSON, written as it is: on one line (ExportResource.oneLine).
            return ExportResource.oneLine(json.writeValueAsString(new SessionLine("session", s.id().value(), s.userId().value(), s.userData(),
                    s.projectAccess().stream().map(ProjectId::value).sorted().toList(), Timestamps.format(s.createdAt()),
                    Timestamps.format(s.lastActivityAt()), s.idleTimeout().toSeconds(), Timestamps.format(s.absoluteExpiresAt()),
                    stored.verifierDigest())));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Any line of a credentials file: which fields it has depends on its type. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @RegisterForReflection
    record Line(String type, String format, Long version, String detail, String name, String secretDigest, List<String> projects,
            List<String> scopes, Instant createdAt, Instant expiresAt, String id, String userId, JsonValue userData,
            List<String> projectAccess, Instant lastActivityAt, Long idleTimeoutSeconds, Instant absoluteExpiresAt,
            String verifierDigest, Long apikeys, Long sessions, Long unreadable) implements JsonLinesFile.Line {
    }

    /** What an import of credentials did, or would do. */
    @RegisterForReflection
    public record CredentialsReport(boolean dryRun,
            @Schema(description = "API keys in the file") long apikeys,
            @Schema(description = "keys stored (in a dry run: that would be)") long apikeysWritten,
            @Schema(description = "keys this service holds already, the same") long apikeysExisting,
            @Schema(description = "keys left out: they expired") long apikeysExpired,
            @Schema(description = "keys left out: this service holds another key of that name (kept)") long apikeyConflicts,
            @Schema(description = "the first 100 of those, by name") List<String> conflictingKeys,
            @Schema(description = "sessions in the file") long sessions,
            @Schema(description = "sessions stored (in a dry run: that would be)") long sessionsWritten,
            @Schema(description = "sessions this service holds already, kept") long sessionsExisting,
            @Schema(description = "sessions left out: they ended") long sessionsExpired) {

        static final String EXAMPLE = "{\"dryRun\": false, \"apikeys\": 3, \"apikeysWritten\": 2, \"apikeysExisting\": 0, "
                + "\"apikeysExpired\": 0, \"apikeyConflicts\": 1, \"conflictingKeys\": [\"reports-readonly\"], \"sessions\": 1200, "
                + "\"sessionsWritten\": 1198, \"sessionsExisting\": 0, \"sessionsExpired\": 2}";
    }

    @POST
    @Path("import")
    @Consumes({ExportResource.JSON_LINES, "application/x-ndjson"})
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Import credentials",
            description = "Takes a credentials file (GET /v1/admin/credentials/export of this service or another) and "
                    + "stores each API key and session this service lacks, as it was: afterwards the same keys and session "
                    + "tokens work here. That is why it needs includeCredentials=true, said explicitly. Every line is "
                    + "checked first: a file with a bad line is refused whole with a 400 problem naming each bad line, and "
                    + "nothing is written. Nothing this service holds is changed: a key of the same name and grants is "
                    + "found existing, one of the same name and other grants or secret is a conflict and kept; a session of "
                    + "the same id is kept. Expired keys and ended sessions are left out. dryRun=true reads what would "
                    + "change and writes nothing. A key that an instance was asked for before the import works there within "
                    + "its unknown-key memory (5 s by default). Needs admin on every project and sessions, and every key of the "
                    + "file may grant only what the caller holds (else 403, nothing imported). It brings back keys and "
                    + "sessions revoked since the export, if they have not expired.")
    @APIResponse(responseCode = "200", description = "The report", content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = CredentialsReport.class),
            examples = @ExampleObject(name = "imported", value = CredentialsReport.EXAMPLE)))
    @Requires(value = Scope.ADMIN, serviceWide = true)
    public Uni<CredentialsReport> importCredentials(
            @Parameter(description = "must be true: the file's keys and sessions will work on this service")
            @QueryParam("includeCredentials") @DefaultValue("false") String includeCredentials,
            @Parameter(description = "true: report what would change, write nothing") @QueryParam("dryRun")
            @DefaultValue("false") String dryRun,
            byte[] file) {
        Violations violations = new Violations();
        Boolean include = violations.check("includeCredentials", () -> ImportResource.flag("includeCredentials", includeCredentials));
        Boolean dry = violations.check("dryRun", () -> ImportResource.flag("dryRun", dryRun));
        if (Boolean.FALSE.equals(include)) {
            violations.add("includeCredentials", "credentials are imported only with includeCredentials=true: the file's API keys "
                    + "and sessions will work on this service, with the rights they have in it");
        }
        violations.throwIfAny();
        Principal principal = caller.principal();
        transfers.authorize(principal);
        byte[] body = file == null ? new byte[0] : file;
        return contexts.onCaller(Uni.createFrom().item(() -> check(body, clock.instant()))
                        .runSubscriptionOn(Infrastructure.getDefaultWorkerPool()))
                .chain(checked -> transfers.restore(principal, checked.keys, checked.sessions, dry)
                        .map(report -> new CredentialsReport(dry, checked.keyLines, report.keysWritten(), report.keysExisting(),
                                report.keysExpired(), report.keyConflicts(), report.conflictingKeys(), checked.sessionLines,
                                report.sessionsWritten(), report.sessionsExisting(), report.sessionsExpired())));
    }

    /** Reads every line; refuses the file, naming its bad lines, unless every line is sound. */
    FileCheck check(byte[] file, Instant now) {
        JsonLinesFile<Line> lines = new JsonLinesFile<>(json, Line.class, FORMAT, VERSION);
        FileCheck check = new FileCheck(lines, now);
        lines.read(file, check);
        lines.throwIfBad();
        return check;
    }

    /** The keys and sessions of one file as they are read, and the end line's counts checked against them. */
    final class FileCheck implements JsonLinesFile.Lines<Line> {
        private final JsonLinesFile<Line> lines;
        private final Instant now;
        final List<ApiKey> keys = new ArrayList<>();
        final List<StoredSession> sessions = new ArrayList<>();
        private final Map<String, Integer> seenKeys = new HashMap<>();
        private final Map<String, Integer> seenDigests = new HashMap<>();
        private final Set<String> seenSessions = new HashSet<>();
        long keyLines;
        long sessionLines;

        FileCheck(JsonLinesFile<Line> lines, Instant now) {
            this.lines = lines;
            this.now = now;
        }

        @Override
        public void record(int number, String type, Line line) {
            switch (type) {
                case "apikey" -> {
                    keyLines++;
                    Optional<ApiKey> key = key(number, line);
                    key.ifPresent(k -> {
                        Integer before = seenKeys.putIfAbsent(k.name().value(), number);
                        Integer sameSecret = seenDigests.putIfAbsent(k.secretDigest(), number);
                        if (before != null) {
                            lines.note(number, "repeats the key " + k.name().value() + " of line " + before);
                        } else if (sameSecret != null) {
                            lines.note(number, "has the secret digest of the key of line " + sameSecret + ": a secret is one key's");
                        } else {
                            keys.add(k);
                        }
                    });
                }
                case "session" -> {
                    sessionLines++;
                    // A session may come twice (a walk over Redis may repeat one): the same session, taken once.
                    session(number, line).filter(s -> seenSessions.add(s.session().id().value())).ifPresent(sessions::add);
                }
                default -> { } // a record of a kind this version does not know: left out, as the format says
            }
        }

        @Override
        public void end(int number, Line line) {
            if (line.apikeys() == null || line.apikeys() != keyLines) {
                lines.note(number, "counts " + line.apikeys() + " API keys; the file holds " + keyLines);
            }
            if (line.sessions() == null || line.sessions() != sessionLines) {
                lines.note(number, "counts " + line.sessions() + " sessions; the file holds " + sessionLines);
            }
        }

        private Optional<ApiKey> key(int number, Line line) {
            Violations violations = new Violations();
            ApiKeyName name = violations.check("name", () -> ApiKeyName.of(line.name() == null ? "" : line.name()));
            if (line.secretDigest() == null || !line.secretDigest().matches("[0-9a-f]{64}")) {
                violations.add("secretDigest", "secretDigest must be 64 lowercase hex characters (SHA-256)");
            }
            ProjectAccess projects = ApiKeyResource.projects(line.projects(), violations);
            Set<Scope> scopes = ApiKeyResource.scopes(line.scopes(), violations);
            if (line.createdAt() == null || line.createdAt().isBefore(Instant.EPOCH) || line.createdAt().isAfter(now.plus(CLOCK_SKEW))) {
                violations.add("createdAt", "createdAt must be a time after 1970 and not in the future");
            }
            ApiKey key = violations.found().isEmpty() ? violations.check(() -> new ApiKey(name, line.secretDigest(), projects, scopes,
                    line.createdAt(), line.expiresAt())) : null;
            return noted(number, violations) ? Optional.empty() : Optional.ofNullable(key);
        }

        private Optional<StoredSession> session(int number, Line line) {
            Violations violations = new Violations();
            SessionId id = violations.check("id", () -> SessionId.of(line.id() == null ? "" : line.id()));
            UserId user = violations.check("userId", () -> UserId.of(line.userId() == null ? "" : line.userId()));
            Set<ProjectId> access = new HashSet<>();
            List<String> named = line.projectAccess() == null ? List.of() : line.projectAccess();
            for (int i = 0; i < named.size(); i++) {
                String value = named.get(i);
                ProjectId project = violations.check("projectAccess[" + i + "]", () -> ProjectId.of(value));
                if (project != null) {
                    access.add(project);
                }
            }
            if (line.createdAt() == null || line.lastActivityAt() == null || line.absoluteExpiresAt() == null
                    || line.idleTimeoutSeconds() == null || line.verifierDigest() == null) {
                violations.add("", "a session needs createdAt, lastActivityAt, idleTimeoutSeconds, absoluteExpiresAt and verifierDigest");
            }
            StoredSession stored = null;
            if (violations.found().isEmpty()) {
                stored = violations.check(() -> {
                    String data = line.userData() == null ? "null" : line.userData().text();
                    UserSession copy = new UserSession(id, user, data, access, line.createdAt(), line.lastActivityAt(),
                            Duration.ofSeconds(line.idleTimeoutSeconds()), line.absoluteExpiresAt());
                    return new StoredSession(sessionPolicy.admitCopy(copy, now.plus(CLOCK_SKEW)), line.verifierDigest());
                });
            }
            return noted(number, violations) ? Optional.empty() : Optional.ofNullable(stored);
        }

        /** True, each violation said as the line's, when the line broke a rule. */
        private boolean noted(int number, Violations violations) {
            violations.found().forEach(v -> lines.note(number, "has " + (v.field() == null || v.field().isEmpty() ? "" : v.field() + ": ")
                    + v.message()));
            return !violations.found().isEmpty();
        }
    }
}
