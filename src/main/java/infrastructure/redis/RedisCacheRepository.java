package infrastructure.redis;

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
import domain.cache.Precondition;
import domain.cache.PutOutcome;
import domain.cache.ResealPage;
import domain.cache.Versions;
import domain.project.ProjectId;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.keys.ReactiveKeyCommands;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Response;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import infrastructure.values.ValueCodec;
import infrastructure.values.ValueContext;

/**
 * The cache port on Redis: one hash per entry, lexical and expiry indexes per project, one sorted
 * set per tag. A read is one read-only script, a write one script: one round trip each; see {@link RedisKeys} for the
 * layout and {@code lua/cache_*.lua} for the scripts.
 */
public final class RedisCacheRepository implements CacheRepository {

    /** Names per script call when removing in bulk: bounded work for Redis per call. */
    static final int BATCH = 500;
    /** Upper bound on batches of one bulk removal, so that no request can loop forever. */
    private static final int MAX_BATCHES = 100_000;

    private static final LuaScript READ = LuaScript.load("cache_read");
    private static final LuaScript PUT = LuaScript.load("cache_put");
    private static final LuaScript RECORD = LuaScript.load("cache_record");
    private static final LuaScript REMOVE = LuaScript.load("cache_remove");
    private static final LuaScript REMOVE_TAGGED = LuaScript.load("cache_remove_tagged");
    private static final LuaScript KEYS = LuaScript.load("index_page");
    private static final LuaScript STATS = LuaScript.load("cache_stats");
    private static final LuaScript RESEAL = LuaScript.load("cache_reseal");
    private static final LuaScript ENTRIES = LuaScript.load("cache_entries");

    private final ReactiveRedisDataSource redis;
    private final ReactiveKeyCommands<String> keyCommands;
    private final RedisTrackedNodes nodes;
    private final RedisKeys keys;
    private final Clock clock;
    private final String projectRetentionMillis;
    private final ValueCodec values;

    /**
     * @param projectRetention how long a project's meta hash (version sequence, statistics) outlives
     *                         its last use; versions need no retention (see {@link domain.cache.Versions})
     * @param values           the form values are stored in
     */
    public RedisCacheRepository(ReactiveRedisDataSource redis, String keyPrefix, Clock clock, Duration projectRetention,
            ValueCodec values) {
        this(redis, keyPrefix, clock, projectRetention, values, RedisTrackedNodes.single(redis));
    }

    /** @param nodes every node holding keys (every master of a cluster), for the one listing that scans them: {@link #projects} */
    public RedisCacheRepository(ReactiveRedisDataSource redis, String keyPrefix, Clock clock, Duration projectRetention,
            ValueCodec values, RedisTrackedNodes nodes) {
        this.nodes = nodes;
        this.redis = redis;
        this.values = values;
        this.keyCommands = redis.key(String.class);
        this.keys = new RedisKeys(keyPrefix);
        this.clock = clock;
        this.projectRetentionMillis = Long.toString(projectRetention.toMillis());
    }

    /**
     * One read-only script over the entry and its statistics: a read changes nothing in Redis, its
     * statistics come later in a batch ({@link #record}).
     */
    @Override
    public Uni<Optional<CacheEntry>> find(ProjectId project, CacheKey key) {
        return run(READ, List.of(keys.entry(project, key), keys.entryStats(project, key.value())), List.of())
                .chain(r -> {
                    if (r == null || r.size() == 0 || RespNumbers.toLong(r.get(3)) <= clock.millis()) {
                        return Uni.createFrom().item(Optional.<CacheEntry>empty());
                    }
                    CacheEntry entry = entry(key, r);
                    return values.decode(ValueContext.cacheEntry(project, key), r.get(0).toBytes()).map(text -> text.map(entry::withValue));
                });
    }

    /** One script per project and {@value #BATCH} entries, each touching only that project's hash slot, in turn. */
    @Override
    public Uni<Void> record(CacheReads reads) {
        return recordCounting(reads, (project, key, hits, lastAccessAt) -> { }).replaceWithVoid();
    }

    /** Hears, after a recording, the hits and last access an entry it counted now has in Redis. */
    @FunctionalInterface
    interface Counted {
        void counted(ProjectId project, CacheKey key, long hits, Instant lastAccessAt);
    }

    /** As {@link #record}, and tells {@code counted} what each entry still stored now holds. */
    Uni<Void> recordCounting(CacheReads reads, Counted counted) {
        String now = Long.toString(clock.millis());
        return Multi.createFrom().iterable(reads.inPartsOf(BATCH))
                .onItem().transformToIterable(part -> part.projects().entrySet())
                .onItem().transformToUniAndConcatenate(project -> {
                    List<CacheKey> names = new ArrayList<>(project.getValue().entries().keySet());
                    List<String> scriptKeys = new ArrayList<>(1 + 2 * names.size());
                    List<String> args = new ArrayList<>(4 + 2 * names.size());
                    scriptKeys.add(keys.meta(project.getKey()));
                    args.add(now);
                    args.add(projectRetentionMillis);
                    args.add(Long.toString(project.getValue().hits()));
                    args.add(Long.toString(project.getValue().misses()));
                    for (CacheKey key : names) {
                        CacheReads.EntryReads entry = project.getValue().entries().get(key);
                        scriptKeys.add(keys.entry(project.getKey(), key));
                        scriptKeys.add(keys.entryStats(project.getKey(), key.value()));
                        args.add(Long.toString(entry.hits()));
                        args.add(Long.toString(entry.lastAt().toEpochMilli()));
                    }
                    return run(RECORD, scriptKeys, args).invoke(r -> {
                        for (int i = 0; i < names.size(); i++) {
                            long hits = r.get(2 * i).toLong();
                            if (hits >= 0) {
                                counted.counted(project.getKey(), names.get(i), hits, Instant.ofEpochMilli(r.get(2 * i + 1).toLong()));
                            }
                        }
                    });
                })
                .collect().last()
                .replaceWithVoid();
    }

    @Override
    public Uni<PutOutcome> put(ProjectId project, CacheKey key, CacheWrite write) {
        List<String> tags = write.tags().stream().map(CacheTag::value).sorted().toList();
        List<String> scriptKeys = new ArrayList<>(6 + tags.size());
        scriptKeys.add(keys.entry(project, key));
        scriptKeys.add(keys.keyIndex(project));
        scriptKeys.add(keys.expiryIndex(project));
        scriptKeys.add(keys.meta(project));
        scriptKeys.add(keys.tagRegistry(project));
        scriptKeys.add(keys.entryStats(project, key.value()));
        tags.forEach(t -> scriptKeys.add(keys.tagIndex(project, t)));
        return values.encode(ValueContext.cacheEntry(project, key), write.value())
                .chain(stored -> put(key, write, tags, scriptKeys, stored));
    }

    private Uni<PutOutcome> put(CacheKey key, CacheWrite write, List<String> tags, List<String> scriptKeys, byte[] stored) {
        List<Object> args = new ArrayList<>(9 + tags.size());
        Instant now = clock.instant();
        args.add(key.value());
        args.add(stored);
        args.add(Long.toString(now.toEpochMilli()));
        args.add(Long.toString(write.ttl().millis()));
        args.add(projectRetentionMillis);
        args.add(encode(write.precondition()));
        args.add(tags.isEmpty() ? "" : "\n" + String.join("\n", tags) + "\n");
        args.add(Long.toString(Math.max(Versions.floor(now), write.versionAtLeast())));
        args.add(write.origin().map(o -> Long.toString(o.createdAt().toEpochMilli())).orElse(""));
        args.addAll(tags);
        return run(PUT, scriptKeys, args).map(r -> {
            long created = r.get(0).toLong();
            if (created < 0) {
                return new PutOutcome.PreconditionFailed();
            }
            return new PutOutcome.Stored(r.get(1).toLong(), Instant.ofEpochMilli(r.get(2).toLong()), created == 1);
        });
    }

    @Override
    public Uni<Long> remove(ProjectId project, Collection<CacheKey> names) {
        List<String> all = names.stream().map(CacheKey::value).distinct().toList();
        return Multi.createFrom().iterable(partition(all))
                .onItem().transformToUniAndConcatenate(batch -> removeBatch(project, batch))
                .collect().with(Collectors.summingLong(Long::longValue));
    }

    @Override
    public Uni<Long> removeTagged(ProjectId project, CacheTag tag) {
        String tagIndex = keys.tagIndex(project, tag);
        return drain(() -> zrange(tagIndex), batch -> {
            List<String> scriptKeys = new ArrayList<>(4 + 2 * batch.size());
            scriptKeys.add(keys.keyIndex(project));
            scriptKeys.add(keys.expiryIndex(project));
            scriptKeys.add(tagIndex);
            scriptKeys.add(keys.tagRegistry(project));
            batch.forEach(name -> {
                scriptKeys.add(keys.entry(project, name));
                scriptKeys.add(keys.entryStats(project, name));
            });
            List<String> args = new ArrayList<>(2 + batch.size());
            args.add(Long.toString(clock.millis()));
            args.add(tag.value());
            args.addAll(batch);
            return run(REMOVE_TAGGED, scriptKeys, args).map(Response::toLong);
        });
    }

    @Override
    public Uni<KeyPage> keys(ProjectId project, KeyPattern pattern, Optional<CacheKey> after, PageSize size) {
        String prefix = pattern.literalPrefix();
        String min = after.isPresent() && after.get().value().compareTo(prefix) >= 0
                ? "(" + after.get().value()
                : prefix.isEmpty() ? "-" : "[" + prefix;
        // Keys use only characters below 0x7f, so every key with the prefix sorts below prefix + 0x7f.
        String max = prefix.isEmpty() ? "+" : "(" + prefix + '\u007f';
        return run(KEYS, List.of(keys.keyIndex(project), keys.expiryIndex(project)),
                List.of(min, max, Integer.toString(size.value()), Long.toString(clock.millis())))
                .map(r -> {
                    List<CacheKey> page = new ArrayList<>();
                    for (int i = 2; i < r.size(); i++) {
                        String name = r.get(i).toString();
                        if (pattern.matches(name)) {
                            page.add(CacheKey.of(name));
                        }
                    }
                    boolean full = r.get(0).toInteger() == size.value();
                    return new KeyPage(page, full ? Optional.of(CacheKey.of(r.get(1).toString())) : Optional.empty());
                });
    }

    /**
     * A page of names from the lexical index, each entry's value and version read (one HMGET each, in
     * parallel), brought to the current form in process, and written back by one script that checks
     * each version.
     */
    /** The live names of one page of the project's key index, and where the next page starts. */
    private record Names(List<String> names, Optional<CacheKey> next) {
    }

    private Uni<Names> names(ProjectId project, Optional<CacheKey> after, PageSize size) {
        String min = after.map(k -> "(" + k.value()).orElse("-");
        return run(KEYS, List.of(keys.keyIndex(project), keys.expiryIndex(project)),
                List.of(min, "+", Integer.toString(size.value()), Long.toString(clock.millis())))
                .map(page -> {
                    List<String> names = new ArrayList<>();
                    for (int i = 2; i < page.size(); i++) {
                        names.add(page.get(i).toString());
                    }
                    return new Names(names, page.get(0).toInteger() == size.value()
                            ? Optional.of(CacheKey.of(page.get(1).toString())) : Optional.empty());
                });
    }

    @Override
    public Uni<ResealPage> reseal(ProjectId project, Optional<CacheKey> after, PageSize size) {
        return names(project, after, size)
                .chain(page -> {
                    List<String> names = page.names();
                    Optional<CacheKey> next = page.next();
                    if (names.isEmpty()) {
                        return Uni.createFrom().item(new ResealPage(0, 0, 0, next));
                    }
                    List<Uni<Resealing>> reads = names.stream().map(name -> resealing(project, name)).toList();
                    return Uni.join().all(reads).andFailFast().chain(all -> {
                        List<String> scriptKeys = new ArrayList<>();
                        List<Object> args = new ArrayList<>();
                        int unreadable = 0;
                        for (Resealing r : all) {
                            if (r.outcome instanceof ValueCodec.Resealed.Rewritten rewritten) {
                                scriptKeys.add(keys.entry(project, r.name));
                                args.add(r.version);
                                args.add(rewritten.stored());
                            } else if (r.outcome instanceof ValueCodec.Resealed.Unreadable) {
                                unreadable++;
                            }
                        }
                        int unread = unreadable;
                        Uni<Integer> written = scriptKeys.isEmpty() ? Uni.createFrom().item(0)
                                : run(RESEAL, scriptKeys, args).map(Response::toInteger);
                        return written.map(n -> new ResealPage(names.size(), n, unread, next));
                    });
                })
                .onFailure().transform(RedisFailures::translate);
    }

    /**
     * Two round trips per page: the names from the project's index, then the entries in one script
     * (their hashes share the project's slot), which stops at the page's byte budget.
     */
    @Override
    public Uni<EntryPage> entries(ProjectId project, Optional<CacheKey> after, PageSize size, long maxBytes) {
        return names(project, after, size)
                .chain(page -> {
                    List<String> names = page.names();
                    Optional<CacheKey> listedNext = page.next();
                    if (names.isEmpty()) {
                        return Uni.createFrom().item(new EntryPage(List.of(), List.of(), listedNext));
                    }
                    List<String> hashes = names.stream().map(name -> keys.entry(project, name)).toList();
                    return run(ENTRIES, hashes, List.of(Long.toString(clock.millis()), Long.toString(maxBytes)))
                            .chain(read -> decoded(project, names, read, listedNext));
                })
                .onFailure().transform(RedisFailures::translate);
    }

    /** The entries the script read, decoded; where the next page starts: after the last one read, if it stopped early. */
    private Uni<EntryPage> decoded(ProjectId project, List<String> names, Response read, Optional<CacheKey> listedNext) {
        int looked = read.get(0).toInteger();
        List<Map.Entry<CacheEntry, byte[]>> stored = new ArrayList<>();
        for (int i = 0; i < looked; i++) {
            int at = 1 + 5 * i;
            if (read.get(at + 1).toString().isEmpty()) {
                continue; // gone or expired since it was listed
            }
            Set<CacheTag> tags = new HashSet<>();
            for (String t : read.get(at + 4).toString().split("\n")) {
                if (!t.isEmpty()) {
                    tags.add(CacheTag.of(t));
                }
            }
            Instant createdAt = Instant.ofEpochMilli(read.get(at + 2).toLong());
            stored.add(Map.entry(new CacheEntry(CacheKey.of(names.get(i)), "", read.get(at + 1).toLong(), createdAt,
                    Instant.ofEpochMilli(read.get(at + 3).toLong()), tags, 0, createdAt), read.get(at).toBytes()));
        }
        Optional<CacheKey> next = looked < names.size() ? Optional.of(CacheKey.of(names.get(looked - 1))) : listedNext;
        return values.page(project, stored, next);
    }

    /** What became of one entry's value: its name, the version it was read at, and the outcome. */
    private record Resealing(String name, String version, ValueCodec.Resealed outcome) {
    }

    private Uni<Resealing> resealing(ProjectId project, String name) {
        return redis.getRedis().send(io.vertx.mutiny.redis.client.Request.cmd(Command.HMGET)
                        .arg(keys.entry(project, name)).arg("v").arg("ver"))
                .chain(r -> r == null || r.get(0) == null || r.get(1) == null
                        ? Uni.createFrom().item(new Resealing(name, "", new ValueCodec.Resealed.Current()))
                        : values.reseal(ValueContext.cacheEntry(project, CacheKey.of(name)), r.get(0).toBytes())
                                .map(outcome -> new Resealing(name, r.get(1).toString(), outcome)));
    }

    @Override
    public Uni<Long> removeAll(ProjectId project) {
        String keyIndex = keys.keyIndex(project);
        String registry = keys.tagRegistry(project);
        Uni<Long> entries = drain(() -> zrange(keyIndex), batch -> removeBatch(project, batch));
        Uni<Long> tagIndexes = drain(() -> zrange(registry), batch -> {
            String[] doomed = batch.stream().map(t -> keys.tagIndex(project, t)).toArray(String[]::new);
            return keyCommands.del(doomed)
                    .chain(() -> redis.execute(Command.ZREM, concat(registry, batch)))
                    .replaceWith(0L);
        });
        return entries
                .call(() -> tagIndexes)
                .call(() -> keyCommands.del(keyIndex, keys.expiryIndex(project), registry))
                .onFailure().transform(RedisFailures::translate);
    }

    @Override
    public Uni<CacheStats> stats(ProjectId project) {
        return run(STATS, List.of(keys.expiryIndex(project), keys.meta(project)), List.of(Long.toString(clock.millis())))
                .map(r -> new CacheStats(r.get(0).toLong(), r.get(1).toLong(), r.get(2).toLong()));
    }

    /**
     * SCANs the key space of every node holding keys (each master of a cluster, on a connection of its
     * own: a SCAN through the cluster client would go to any one node) for the projects' name indexes
     * ({@code cd:{p:ID}:k}), then asks each found whether its expiry index still holds a live name
     * (ZCOUNT), one project at a time.
     */
    @Override
    public Uni<List<ProjectId>> projects() {
        return nodes.scan(keys.keyIndexPattern())
                .map(found -> found.stream().map(keys::projectOfKeyIndex).flatMap(Optional::stream).collect(Collectors.toSet()))
                .chain(found -> Multi.createFrom().iterable(found)
                        .onItem().transformToUniAndConcatenate(project -> redis.getRedis().send(io.vertx.mutiny.redis.client.Request
                                        .cmd(Command.ZCOUNT).arg(keys.expiryIndex(project)).arg("(" + clock.millis()).arg("+inf"))
                                .map(count -> count.toLong() > 0 ? Optional.of(project) : Optional.<ProjectId>empty()))
                        .filter(Optional::isPresent)
                        .map(Optional::get)
                        .collect().asList())
                .map(projects -> projects.stream().sorted(java.util.Comparator.comparing(ProjectId::value)).toList());
    }

    private Uni<Long> removeBatch(ProjectId project, List<String> batch) {
        List<String> scriptKeys = new ArrayList<>(2 + 2 * batch.size());
        scriptKeys.add(keys.keyIndex(project));
        scriptKeys.add(keys.expiryIndex(project));
        batch.forEach(name -> {
            scriptKeys.add(keys.entry(project, name));
            scriptKeys.add(keys.entryStats(project, name));
        });
        List<String> args = new ArrayList<>(1 + batch.size());
        args.add(Long.toString(clock.millis()));
        args.addAll(batch);
        return run(REMOVE, scriptKeys, args).map(Response::toLong);
    }

    /**
     * Repeats: read a batch of names, remove it; until a batch comes back short. Each removal drops
     * its names from the index it reads, so every round makes progress.
     */
    private Uni<Long> drain(Supplier<Uni<List<String>>> nextBatch, Function<List<String>, Uni<Long>> removeBatch) {
        return Multi.createBy().repeating()
                .uni(() -> nextBatch.get().chain(batch -> batch.isEmpty()
                        ? Uni.createFrom().item(new Round(0, 0L))
                        : removeBatch.apply(batch).map(n -> new Round(batch.size(), n))))
                .whilst(round -> round.size == BATCH)
                .select().first(MAX_BATCHES)
                .collect().with(Collectors.summingLong(Round::removed))
                .onFailure().transform(RedisFailures::translate);
    }

    private Uni<List<String>> zrange(String key) {
        return redis.execute(Command.ZRANGE, key, "0", Integer.toString(BATCH - 1))
                .map(r -> {
                    List<String> names = new ArrayList<>(r.size());
                    r.forEach(item -> names.add(item.toString()));
                    return names;
                });
    }

    private Uni<Response> run(LuaScript script, List<String> scriptKeys, List<?> args) {
        return script.run(redis, scriptKeys, args).onFailure().transform(RedisFailures::translate);
    }

    /** The entry from the read script's answer, its value yet to be decoded: value, version, created, expires, tags, hits, last access. */
    private static CacheEntry entry(CacheKey key, Response r) {
        Set<CacheTag> tags = new HashSet<>();
        for (String t : r.get(4).toString().split("\n")) {
            if (!t.isEmpty()) {
                tags.add(CacheTag.of(t));
            }
        }
        return new CacheEntry(key, "", RespNumbers.toLong(r.get(1)),
                Instant.ofEpochMilli(RespNumbers.toLong(r.get(2))), Instant.ofEpochMilli(RespNumbers.toLong(r.get(3))),
                tags, RespNumbers.toLong(r.get(5)), Instant.ofEpochMilli(RespNumbers.toLong(r.get(6))));
    }

    private static String encode(Precondition precondition) {
        if (precondition instanceof Precondition.IfVersion v) {
            return Long.toString(v.version());
        }
        if (precondition instanceof Precondition.IfAbsent) {
            return "absent";
        }
        if (precondition instanceof Precondition.IfPresent) {
            return "present";
        }
        return "*";
    }

    private static List<List<String>> partition(List<String> all) {
        List<List<String>> batches = new ArrayList<>();
        for (int i = 0; i < all.size(); i += BATCH) {
            batches.add(all.subList(i, Math.min(all.size(), i + BATCH)));
        }
        return batches;
    }

    private static String[] concat(String first, List<String> rest) {
        String[] all = new String[1 + rest.size()];
        all[0] = first;
        for (int i = 0; i < rest.size(); i++) {
            all[i + 1] = rest.get(i);
        }
        return all;
    }

    private record Round(int size, long removed) {
    }
}
