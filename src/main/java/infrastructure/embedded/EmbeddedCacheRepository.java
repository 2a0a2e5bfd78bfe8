package infrastructure.embedded;

import domain.cache.CacheEntry;
import domain.cache.CacheKey;
import domain.cache.CacheReads;
import domain.cache.CacheRepository;
import domain.cache.CacheStats;
import domain.cache.CacheTag;
import domain.cache.EntryPage;
import domain.cache.CacheWrite;
import domain.cache.KeyPage;
import domain.cache.KeyPattern;
import domain.cache.PageSize;
import domain.cache.PutOutcome;
import domain.cache.ResealPage;
import domain.cache.Versions;
import domain.project.ProjectId;
import infrastructure.hot.HotEntries;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.stream.Collectors;
import infrastructure.values.ValueCodec;
import infrastructure.values.ValueContext;

/**
 * The cache port in the embedded store: one row per entry, one row per (tag, entry) so that a tag's
 * entries are found without a walk, and one row per project for its version sequence and statistics.
 *
 * <p>Unlike the in-memory store, this one has no bound on the number of entries and evicts nothing:
 * its bound is the database file's maximum size ({@code cache-domain.embedded.max-size}), past which
 * a write fails with {@link domain.StoreFullException} and the failure policy answers. Expired
 * entries take no room for long: the background sweep deletes them.
 *
 * <p>A project's row lives until the later of {@code projectRetention} after its last find, write or
 * removal and the expiry of its longest-lived entry, so it never goes while an entry of the project
 * is live; the sequence need not outlive it (see {@link Versions}).
 */
public final class EmbeddedCacheRepository implements CacheRepository {

    private static final int SWEEP_BATCH = 500;
    /** Entries one write of a bulk removal (a tag, a whole project) removes. */
    static final int REMOVE_BATCH = 500;
    /** Entries whose reads one write records. */
    private static final int RECORD_BATCH = 500;
    /** Keys use only characters below 0x7f, so every key with a prefix sorts below prefix + 0x7f. */
    private static final char ABOVE_EVERY_KEY_CHARACTER = '\u007f';

    private final EmbeddedDatabase db;
    private final Clock clock;
    private final long projectRetentionMillis;
    /** Null when no entry is held in process. */
    private final HotEntries hot;
    private final ValueCodec values;

    /**
     * @param projectRetention how long a project's version sequence and statistics outlive its last
     *                         use once it holds no live entry
     * @param hotBytes         the most bytes of entries held in process for reads ({@link HotEntries}); 0 for none
     */
    public EmbeddedCacheRepository(EmbeddedDatabase db, Clock clock, Duration projectRetention, long hotBytes, ValueCodec values) {
        if (hotBytes < 0) {
            throw new IllegalArgumentException("Cannot hold a negative number of bytes of entries: " + hotBytes);
        }
        this.db = db;
        this.clock = clock;
        this.values = values;
        this.projectRetentionMillis = projectRetention.toMillis();
        this.hot = hotBytes == 0 ? null : new HotEntries(hotBytes, clock);
        // The value goes last: reading the columns before it does not touch its overflow pages.
        db.define("""
                CREATE TABLE IF NOT EXISTS cache_entries (
                    project TEXT NOT NULL,
                    key TEXT NOT NULL,
                    version INTEGER NOT NULL,
                    created_at INTEGER NOT NULL,
                    expires_at INTEGER NOT NULL,
                    hits INTEGER NOT NULL,
                    last_access_at INTEGER NOT NULL,
                    tags TEXT NOT NULL,
                    value TEXT NOT NULL,
                    PRIMARY KEY (project, key)
                )""",
                "CREATE INDEX IF NOT EXISTS cache_entries_by_expiry ON cache_entries (expires_at)",
                "CREATE INDEX IF NOT EXISTS cache_entries_live ON cache_entries (project, expires_at)",
                """
                CREATE TABLE IF NOT EXISTS cache_tags (
                    project TEXT NOT NULL,
                    tag TEXT NOT NULL,
                    key TEXT NOT NULL,
                    PRIMARY KEY (project, tag, key)
                ) WITHOUT ROWID""",
                """
                CREATE TABLE IF NOT EXISTS cache_projects (
                    project TEXT PRIMARY KEY,
                    seq INTEGER NOT NULL,
                    hits INTEGER NOT NULL,
                    misses INTEGER NOT NULL,
                    expires_at INTEGER NOT NULL
                ) WITHOUT ROWID""",
                "CREATE INDEX IF NOT EXISTS cache_projects_by_expiry ON cache_projects (expires_at)");
        db.sweepEvery(SWEEP_BATCH, this::sweepEntries);
        db.sweepEvery(SWEEP_BATCH, c -> {
            try (PreparedStatement delete = c.prepareStatement("DELETE FROM cache_projects WHERE project IN "
                    + "(SELECT project FROM cache_projects WHERE expires_at <= ? LIMIT " + SWEEP_BATCH + ")")) {
                delete.setLong(1, clock.millis());
                return delete.executeUpdate();
            }
        });
    }

    /**
     * Deletes a batch of expired entries with their tag rows. A tag row has no expiry of its own: it
     * goes whenever its entry goes, so that a tag never names an entry written after it without it.
     */
    private int sweepEntries(Connection c) throws SQLException {
        List<Expired> expired = new ArrayList<>();
        try (PreparedStatement select = c.prepareStatement(
                "SELECT rowid, project, key, tags FROM cache_entries WHERE expires_at <= ? LIMIT " + SWEEP_BATCH)) {
            select.setLong(1, clock.millis());
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    expired.add(new Expired(rows.getLong(1), ProjectId.of(rows.getString(2)), rows.getString(3),
                            tags(rows.getString(4))));
                }
            }
        }
        try (PreparedStatement delete = c.prepareStatement("DELETE FROM cache_entries WHERE rowid = ?")) {
            for (Expired row : expired) {
                untag(c, row.project, row.key, row.tags);
                delete.setLong(1, row.rowid);
                delete.executeUpdate();
            }
        }
        return expired.size();
    }

    private record Expired(long rowid, ProjectId project, String key, Set<CacheTag> tags) {
    }

    /** The entry held in process, exact since this process makes every write. */
    @Override
    public Optional<CacheEntry> findAtOnce(ProjectId project, CacheKey key) {
        return hot == null ? Optional.empty() : Optional.ofNullable(hot.get(new HotEntries.Id(project, key.value())));
    }

    /** From the entries held in process when it is there, else from a reader (and then held). */
    @Override
    public Uni<Optional<CacheEntry>> find(ProjectId project, CacheKey key) {
        if (hot == null) {
            return db.read(c -> {
                Instant now = now();
                return entry(c, project, key).filter(e -> !e.entry.isExpiredAt(now));
            }).chain(row -> decoded(project, key, row));
        }
        HotEntries.Id id = new HotEntries.Id(project, key.value());
        CacheEntry held = hot.get(id);
        if (held != null && !held.isExpiredAt(now())) {
            return Uni.createFrom().item(Optional.of(held));
        }
        long stamp = hot.stamp(id);
        return db.read(c -> {
            Instant now = now();
            return entry(c, project, key).filter(e -> !e.entry.isExpiredAt(now));
        }).chain(row -> decoded(project, key, row)).invoke(live -> live.ifPresent(e -> hot.fill(id, e, stamp)));
    }

    /** The entry of a row, with its value as text; empty when the value cannot be read. */
    private Uni<Optional<CacheEntry>> decoded(ProjectId project, CacheKey key, Optional<Row> row) {
        if (row.isEmpty()) {
            return Uni.createFrom().item(Optional.empty());
        }
        return values.decode(ValueContext.cacheEntry(project, key), row.get().value)
                .map(text -> text.map(row.get().entry::withValue));
    }

    /** One write per {@value #RECORD_BATCH} entries, so that a large batch never holds the writer for long. */
    @Override
    public Uni<Void> record(CacheReads reads) {
        return Multi.createFrom().iterable(reads.inPartsOf(RECORD_BATCH))
                .onItem().transformToUniAndConcatenate(this::recordPart)
                .collect().last()
                .replaceWithVoid();
    }

    /**
     * One write; its hook hands the entries held in process the counts the rows now hold (not the
     * batch's delta: a reader may have filled a copy from the committed row before the hook ran).
     */
    private Uni<Void> recordPart(CacheReads reads) {
        return db.write(c -> {
            Instant now = now();
            List<Counted> counted = new ArrayList<>();
            try (PreparedStatement update = c.prepareStatement("UPDATE cache_entries SET hits = hits + ?, "
                    + "last_access_at = max(last_access_at, ?) WHERE project = ? AND key = ? AND expires_at > ? "
                    + "RETURNING hits, last_access_at")) {
                for (var project : reads.projects().entrySet()) {
                    for (var entry : project.getValue().entries().entrySet()) {
                        update.setLong(1, entry.getValue().hits());
                        update.setLong(2, entry.getValue().lastAt().toEpochMilli());
                        update.setString(3, project.getKey().value());
                        update.setString(4, entry.getKey().value());
                        update.setLong(5, now.toEpochMilli());
                        try (ResultSet rows = update.executeQuery()) {
                            if (rows.next()) {
                                counted.add(new Counted(new HotEntries.Id(project.getKey(), entry.getKey().value()),
                                        rows.getLong(1), Instant.ofEpochMilli(rows.getLong(2))));
                            }
                        }
                    }
                    Project meta = Project.load(c, project.getKey(), now);
                    meta.hits += project.getValue().hits();
                    meta.misses += project.getValue().misses();
                    meta.keepUntil(now.toEpochMilli() + projectRetentionMillis);
                    meta.save(c, project.getKey());
                }
            }
            return counted;
        }, counted -> {
            if (hot != null) {
                counted.forEach(entry -> hot.counted(entry.id, entry.hits, entry.lastAccessAt));
            }
        }).replaceWithVoid();
    }

    /** An entry's hits and last access as a recording left them. */
    private record Counted(HotEntries.Id id, long hits, Instant lastAccessAt) {
    }

    @Override
    public Uni<PutOutcome> put(ProjectId project, CacheKey key, CacheWrite write) {
        return values.encode(ValueContext.cacheEntry(project, key), write.value())
                .chain(stored -> db.write(c -> written(c, project, key, write, stored), this::publish))
                .map(Written::outcome);
    }

    /** What a put did: its outcome, and the entry it stored (null when its precondition failed). */
    private record Written(PutOutcome outcome, ProjectId project, CacheEntry entry) {
    }

    private void publish(Written written) {
        if (hot != null && written.entry != null) {
            hot.written(new HotEntries.Id(written.project, written.entry.key().value()), written.entry);
        }
    }

    /** @param stored the value in the form it is stored in: as text when it is the value's text, else as a blob */
    private Written written(Connection c, ProjectId project, CacheKey key, CacheWrite write, byte[] stored) throws SQLException {
        Instant now = now();
        Optional<Stored> previous = stored(c, project, key);
        Optional<Stored> live = previous.filter(s -> s.expiresAt > now.toEpochMilli());
        OptionalLong current = live.isPresent() ? OptionalLong.of(live.get().version) : OptionalLong.empty();
        if (!write.precondition().admits(current)) {
            return new Written(new PutOutcome.PreconditionFailed(), project, null);
        }
        Project meta = Project.load(c, project, now);
        long version = Versions.next(meta.seq, clock.instant(), write.versionAtLeast());
        Instant expiresAt = now.plus(write.ttl().value());
        // A replacement keeps when the key was created and how it was read; an expired entry is gone.
        long createdAt = write.origin().map(o -> o.createdAt().toEpochMilli())
                .orElseGet(() -> live.map(s -> s.createdAt).orElse(now.toEpochMilli()));
        long hits = live.map(s -> s.hits).orElse(0L);
        long lastAccessAt = live.map(s -> s.lastAccessAt).orElse(createdAt);
        try (PreparedStatement upsert = c.prepareStatement("""
                INSERT INTO cache_entries (project, key, version, created_at, expires_at, hits, last_access_at, tags, value)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (project, key) DO UPDATE SET version = excluded.version, created_at = excluded.created_at,
                    expires_at = excluded.expires_at, hits = excluded.hits, last_access_at = excluded.last_access_at,
                    tags = excluded.tags, value = excluded.value""")) {
            upsert.setString(1, project.value());
            upsert.setString(2, key.value());
            upsert.setLong(3, version);
            upsert.setLong(4, createdAt);
            upsert.setLong(5, expiresAt.toEpochMilli());
            upsert.setLong(6, hits);
            upsert.setLong(7, lastAccessAt);
            upsert.setString(8, tags(write.tags()));
            if (ValueCodec.isText(stored)) {
                upsert.setString(9, write.value());
            } else {
                upsert.setBytes(9, stored);
            }
            upsert.executeUpdate();
        }
        if (previous.isPresent()) {
            untag(c, project, key.value(), previous.get().tags);
        }
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO cache_tags (project, tag, key) VALUES (?, ?, ?)")) {
            for (CacheTag tag : write.tags()) {
                insert.setString(1, project.value());
                insert.setString(2, tag.value());
                insert.setString(3, key.value());
                insert.executeUpdate();
            }
        }
        meta.seq = version;
        meta.keepUntil(Math.max(now.toEpochMilli() + projectRetentionMillis, expiresAt.toEpochMilli()));
        meta.save(c, project);
        return new Written(new PutOutcome.Stored(version, expiresAt, live.isEmpty()), project,
                new CacheEntry(key, write.value(), version, Instant.ofEpochMilli(createdAt), expiresAt, write.tags(), hits,
                        Instant.ofEpochMilli(lastAccessAt)));
    }

    @Override
    public Uni<Long> remove(ProjectId project, Collection<CacheKey> keys) {
        Set<String> names = keys.stream().map(CacheKey::value).collect(Collectors.toCollection(LinkedHashSet::new));
        return db.write(c -> dropAll(c, project, names, clock.millis()), this::forget).map(Dropped::live);
    }

    @Override
    public Uni<Long> removeTagged(ProjectId project, CacheTag tag) {
        return inBatches(project, c -> {
            List<String> names = names(c, "SELECT key FROM cache_tags WHERE project = ? AND tag = ? LIMIT " + REMOVE_BATCH,
                    project.value(), tag.value());
            // The tag's rows go with their entries; these go too, so that a row without its entry can never come back.
            for (String name : names) {
                untag(c, project, name, Set.of(tag));
            }
            return names;
        });
    }

    /**
     * Removes, one write per batch of {@value #REMOVE_BATCH}, the entries {@code batch} names, until a
     * batch comes back short; each batch drops its names from what the next one reads, so every round
     * makes progress. Like Redis, so that no removal holds the writer for long: a write that lands
     * between two batches may or may not survive the removal.
     */
    private Uni<Long> inBatches(ProjectId project, EmbeddedDatabase.Work<List<String>> batch) {
        return Multi.createBy().repeating()
                .uni(() -> db.write(c -> dropAll(c, project, batch.run(c), clock.millis()), this::forget))
                .whilst(dropped -> dropped.names.size() == REMOVE_BATCH)
                .collect().with(Collectors.summingLong(Dropped::live));
    }

    private static List<String> names(Connection c, String query, String... parameters) throws SQLException {
        try (PreparedStatement select = c.prepareStatement(query)) {
            for (int i = 0; i < parameters.length; i++) {
                select.setString(i + 1, parameters[i]);
            }
            List<String> names = new ArrayList<>();
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    names.add(rows.getString(1));
                }
            }
            return names;
        }
    }

    /** What a removal did: the entries it named, and how many of them were live. */
    private record Dropped(ProjectId project, Collection<String> names, long live) {
    }

    /** Removes the named entries with their tag rows and notes the project's use. */
    private Dropped dropAll(Connection c, ProjectId project, Collection<String> names, long now) throws SQLException {
        long live = 0;
        for (String name : names) {
            live += drop(c, project, name, now);
        }
        touch(c, project, now);
        return new Dropped(project, names, live);
    }

    private void forget(Dropped dropped) {
        if (hot != null) {
            dropped.names.forEach(name -> hot.removed(new HotEntries.Id(dropped.project, name)));
        }
    }

    @Override
    public Uni<KeyPage> keys(ProjectId project, KeyPattern pattern, Optional<CacheKey> after, PageSize size) {
        String prefix = pattern.literalPrefix();
        boolean resume = after.isPresent() && after.get().value().compareTo(prefix) >= 0;
        return db.read(c -> {
            try (PreparedStatement select = c.prepareStatement("SELECT key, expires_at FROM cache_entries WHERE project = ? AND key "
                    + (resume ? ">" : ">=") + " ? AND key < ? ORDER BY key LIMIT ?")) {
                select.setString(1, project.value());
                select.setString(2, resume ? after.get().value() : prefix);
                select.setString(3, prefix + ABOVE_EVERY_KEY_CHARACTER);
                select.setInt(4, size.value());
                long now = clock.millis();
                List<CacheKey> keys = new ArrayList<>();
                int examined = 0;
                String last = null;
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        examined++;
                        last = rows.getString(1);
                        if (rows.getLong(2) > now && pattern.matches(last)) {
                            keys.add(CacheKey.of(last));
                        }
                    }
                }
                // Like the other stores: a page that examined its full budget may have successors.
                return new KeyPage(keys, examined == size.value() ? Optional.of(CacheKey.of(last)) : Optional.empty());
            }
        });
    }

    /**
     * A page read by one reader, from the file (never the entries held in process), rows read until
     * the page's budget is spent; decoded outside the reader.
     */
    @Override
    public Uni<EntryPage> entries(ProjectId project, Optional<CacheKey> after, PageSize size, long maxBytes) {
        return db.read(c -> {
            try (PreparedStatement select = c.prepareStatement("SELECT key, version, created_at, expires_at, hits, last_access_at, "
                    + "tags, value FROM cache_entries WHERE project = ? AND key > ? AND expires_at > ? ORDER BY key LIMIT ?")) {
                select.setString(1, project.value());
                select.setString(2, after.map(CacheKey::value).orElse(""));
                select.setLong(3, clock.millis());
                select.setInt(4, size.value() + 1); // one more: whether another page follows
                List<Row> page = new ArrayList<>();
                long bytes = 0;
                boolean more = false;
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        if (page.size() == size.value() || bytes >= maxBytes) {
                            more = true;
                            break;
                        }
                        byte[] value = rows.getBytes(8);
                        bytes += value.length;
                        page.add(new Row(new CacheEntry(CacheKey.of(rows.getString(1)), "", rows.getLong(2),
                                Instant.ofEpochMilli(rows.getLong(3)), Instant.ofEpochMilli(rows.getLong(4)), tags(rows.getString(7)),
                                rows.getLong(5), Instant.ofEpochMilli(rows.getLong(6))), value));
                    }
                }
                return new Read(page, more);
            }
        }).chain(read -> values.page(project, read.page.stream().map(row -> Map.entry(row.entry, row.value)).toList(),
                read.more ? Optional.of(read.page.get(read.page.size() - 1).entry.key()) : Optional.empty()));
    }

    private record Read(List<Row> page, boolean more) {
    }

    /** A page read by one reader, brought to the current form in process, written back in one write that checks each version. */
    @Override
    public Uni<ResealPage> reseal(ProjectId project, Optional<CacheKey> after, PageSize size) {
        return db.read(c -> {
            try (PreparedStatement select = c.prepareStatement("SELECT key, version, value FROM cache_entries "
                    + "WHERE project = ? AND key > ? AND expires_at > ? ORDER BY key LIMIT ?")) {
                select.setString(1, project.value());
                select.setString(2, after.map(CacheKey::value).orElse(""));
                select.setLong(3, clock.millis());
                select.setInt(4, size.value());
                List<StoredValue> page = new ArrayList<>();
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        page.add(new StoredValue(rows.getString(1), rows.getLong(2), rows.getBytes(3)));
                    }
                }
                return page;
            }
        }).chain(page -> Multi.createFrom().iterable(page)
                .onItem().transformToUniAndConcatenate(stored -> values.reseal(ValueContext.cacheEntry(project, CacheKey.of(stored.key)),
                        stored.value).map(outcome -> Map.entry(stored, outcome)))
                .collect().asList()
                .chain(outcomes -> {
                    List<Map.Entry<StoredValue, byte[]>> rewritten = new ArrayList<>();
                    int unreadable = 0;
                    for (Map.Entry<StoredValue, ValueCodec.Resealed> outcome : outcomes) {
                        if (outcome.getValue() instanceof ValueCodec.Resealed.Rewritten r) {
                            rewritten.add(Map.entry(outcome.getKey(), r.stored()));
                        } else if (outcome.getValue() instanceof ValueCodec.Resealed.Unreadable) {
                            unreadable++;
                        }
                    }
                    int unread = unreadable;
                    Optional<CacheKey> next = page.size() == size.value() ? Optional.of(CacheKey.of(page.get(page.size() - 1).key))
                            : Optional.empty();
                    Uni<Integer> written = rewritten.isEmpty() ? Uni.createFrom().item(0) : db.write(c -> {
                        int n = 0;
                        try (PreparedStatement update = c.prepareStatement(
                                "UPDATE cache_entries SET value = ? WHERE project = ? AND key = ? AND version = ?")) {
                            for (Map.Entry<StoredValue, byte[]> r : rewritten) {
                                if (ValueCodec.isText(r.getValue())) {
                                    update.setString(1, new String(r.getValue(), java.nio.charset.StandardCharsets.UTF_8));
                                } else {
                                    update.setBytes(1, r.getValue());
                                }
                                update.setString(2, project.value());
                                update.setString(3, r.getKey().key);
                                update.setLong(4, r.getKey().version);
                                n += update.executeUpdate();
                            }
                        }
                        return n;
                    });
                    return written.map(n -> new ResealPage(page.size(), n, unread, next));
                }));
    }

    /** An entry's value as stored, and the version it was read at. */
    private record StoredValue(String key, long version, byte[] value) {
    }

    @Override
    public Uni<Long> removeAll(ProjectId project) {
        // The project's row stays, as in the other stores: its versions must keep increasing, its statistics count on.
        return inBatches(project, c -> {
            List<String> names = names(c, "SELECT key FROM cache_entries WHERE project = ? LIMIT " + REMOVE_BATCH, project.value());
            if (names.size() < REMOVE_BATCH) {
                // The last batch: no tag row of the project may outlive its entries.
                try (PreparedStatement delete = c.prepareStatement("DELETE FROM cache_tags WHERE project = ? AND key NOT IN "
                        + "(SELECT key FROM cache_entries WHERE project = ?)")) {
                    delete.setString(1, project.value());
                    delete.setString(2, project.value());
                    delete.executeUpdate();
                }
            }
            return names;
        });
    }

    @Override
    public Uni<CacheStats> stats(ProjectId project) {
        return db.read(c -> {
            Instant now = now();
            Project meta = Project.load(c, project, now);
            return new CacheStats(liveEntries(c, project, now.toEpochMilli()), meta.hits, meta.misses);
        });
    }

    @Override
    public Uni<List<ProjectId>> projects() {
        return db.read(c -> {
            try (PreparedStatement select = c.prepareStatement(
                    "SELECT project FROM cache_projects p WHERE EXISTS (SELECT 1 FROM cache_entries e "
                            + "WHERE e.project = p.project AND e.expires_at > ?) ORDER BY project")) {
                // One probe of cache_entries_live per project the store knows, not a walk over every entry.
                select.setLong(1, clock.millis());
                List<ProjectId> projects = new ArrayList<>();
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        projects.add(ProjectId.of(rows.getString(1)));
                    }
                }
                return projects;
            }
        });
    }

    private static long liveEntries(Connection c, ProjectId project, long now) throws SQLException {
        try (PreparedStatement count = c.prepareStatement(
                "SELECT count(*) FROM cache_entries WHERE project = ? AND expires_at > ?")) {
            count.setString(1, project.value());
            count.setLong(2, now);
            try (ResultSet rows = count.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }

    /** Deletes the entry and its tag rows; answers 1 when it was live, else 0. */
    private static long drop(Connection c, ProjectId project, String name, long now) throws SQLException {
        Optional<Stored> stored = stored(c, project, CacheKey.of(name));
        if (stored.isEmpty()) {
            return 0;
        }
        untag(c, project, name, stored.get().tags);
        try (PreparedStatement delete = c.prepareStatement("DELETE FROM cache_entries WHERE project = ? AND key = ?")) {
            delete.setString(1, project.value());
            delete.setString(2, name);
            delete.executeUpdate();
        }
        return stored.get().expiresAt > now ? 1 : 0;
    }

    private static void untag(Connection c, ProjectId project, String name, Set<CacheTag> tags) throws SQLException {
        try (PreparedStatement delete = c.prepareStatement("DELETE FROM cache_tags WHERE project = ? AND tag = ? AND key = ?")) {
            for (CacheTag tag : tags) {
                delete.setString(1, project.value());
                delete.setString(2, tag.value());
                delete.setString(3, name);
                delete.executeUpdate();
            }
        }
    }

    /** Counts a removal as a use of a project that is still kept: its retention starts again. */
    private void touch(Connection c, ProjectId project, long now) throws SQLException {
        try (PreparedStatement update = c.prepareStatement(
                "UPDATE cache_projects SET expires_at = max(expires_at, ?) WHERE project = ? AND expires_at > ?")) {
            update.setLong(1, now + projectRetentionMillis);
            update.setString(2, project.value());
            update.setLong(3, now);
            update.executeUpdate();
        }
    }

    /** An entry's row without its value: what a write or a removal needs to know of it. */
    private record Stored(long version, long createdAt, long expiresAt, long hits, long lastAccessAt, Set<CacheTag> tags) {
    }

    private static Optional<Stored> stored(Connection c, ProjectId project, CacheKey key) throws SQLException {
        try (PreparedStatement select = c.prepareStatement("SELECT version, created_at, expires_at, hits, last_access_at, tags "
                + "FROM cache_entries WHERE project = ? AND key = ?")) {
            select.setString(1, project.value());
            select.setString(2, key.value());
            try (ResultSet rows = select.executeQuery()) {
                return rows.next()
                        ? Optional.of(new Stored(rows.getLong(1), rows.getLong(2), rows.getLong(3), rows.getLong(4), rows.getLong(5),
                                tags(rows.getString(6))))
                        : Optional.empty();
            }
        }
    }

    /** An entry's row: the entry, its value still in its stored form. */
    private record Row(CacheEntry entry, byte[] value) {
    }

    private static Optional<Row> entry(Connection c, ProjectId project, CacheKey key) throws SQLException {
        try (PreparedStatement select = c.prepareStatement("SELECT version, created_at, expires_at, hits, last_access_at, tags, "
                + "value FROM cache_entries WHERE project = ? AND key = ?")) {
            select.setString(1, project.value());
            select.setString(2, key.value());
            try (ResultSet rows = select.executeQuery()) {
                return rows.next()
                        ? Optional.of(new Row(new CacheEntry(key, "", rows.getLong(1), Instant.ofEpochMilli(rows.getLong(2)),
                                Instant.ofEpochMilli(rows.getLong(3)), tags(rows.getString(6)), rows.getLong(4),
                                Instant.ofEpochMilli(rows.getLong(5))), rows.getBytes(7)))
                        : Optional.empty();
            }
        }
    }

    /** The tags separated by spaces, which no tag contains; empty for none. */
    private static String tags(Set<CacheTag> tags) {
        return tags.stream().map(CacheTag::value).sorted().collect(Collectors.joining(" "));
    }

    private static Set<CacheTag> tags(String stored) {
        return stored.isEmpty() ? Set.of() : Arrays.stream(stored.split(" ")).map(CacheTag::of).collect(Collectors.toSet());
    }

    /** Millisecond precision, like every other store: what one adapter returns, the other does. */
    private Instant now() {
        return Instant.ofEpochMilli(clock.millis());
    }

    /** A project's row as read in a write: a row past its expiry counts as none, as if swept already. */
    private static final class Project {
        long seq;
        long hits;
        long misses;
        long expiresAt;

        static Project load(Connection c, ProjectId project, Instant now) throws SQLException {
            Project meta = new Project();
            try (PreparedStatement select = c.prepareStatement(
                    "SELECT seq, hits, misses, expires_at FROM cache_projects WHERE project = ? AND expires_at > ?")) {
                select.setString(1, project.value());
                select.setLong(2, now.toEpochMilli());
                try (ResultSet rows = select.executeQuery()) {
                    if (rows.next()) {
                        meta.seq = rows.getLong(1);
                        meta.hits = rows.getLong(2);
                        meta.misses = rows.getLong(3);
                        meta.expiresAt = rows.getLong(4);
                    }
                }
            }
            return meta;
        }

        void keepUntil(long at) {
            expiresAt = Math.max(expiresAt, at);
        }

        void save(Connection c, ProjectId project) throws SQLException {
            try (PreparedStatement upsert = c.prepareStatement("""
                    INSERT INTO cache_projects (project, seq, hits, misses, expires_at) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT (project) DO UPDATE SET seq = excluded.seq, hits = excluded.hits, misses = excluded.misses,
                        expires_at = excluded.expires_at""")) {
                upsert.setString(1, project.value());
                upsert.setLong(2, seq);
                upsert.setLong(3, hits);
                upsert.setLong(4, misses);
                upsert.setLong(5, expiresAt);
                upsert.executeUpdate();
            }
        }
    }
}
