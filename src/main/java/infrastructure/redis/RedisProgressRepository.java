package infrastructure.redis;

import domain.progress.EventsPage;
import domain.progress.Progress;
import domain.progress.ProgressChange;
import domain.progress.ProgressEvent;
import domain.progress.ProgressEventType;
import domain.progress.ProgressId;
import domain.progress.ProgressPage;
import domain.progress.ProgressRepository;
import domain.progress.ProgressStatus;
import domain.progress.RecordOutcome;
import domain.project.ProjectId;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.operators.multi.processors.UnicastProcessor;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Response;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * The progress port on Redis: a hash per operation and a stream of its events (entry ids
 * {@code 0-<sequence>}, trimmed to the newest N), both expiring after the last update. Every
 * recorded event is also published; each instance holds one pattern subscription to all progress
 * channels, made on the first follow, and hands events to its local followers.
 */
public final class RedisProgressRepository implements ProgressRepository {

    private static final LuaScript START = LuaScript.load("progress_start");
    private static final LuaScript RECORD = LuaScript.load("progress_record");
    private static final LuaScript RESTORE = LuaScript.load("progress_restore");
    private static final LuaScript INDEX_PAGE = LuaScript.load("index_page");
    /**
     * The longest a follow waits for the store to confirm the pattern subscription; past it the
     * follow goes on, and its follower catches up from the history (see {@link ProgressRepository#follow}).
     */
    private static final Duration CONFIRMATION = Duration.ofMillis(500);
    private static final Logger LOG = Logger.getLogger(RedisProgressRepository.class);

    private final ReactiveRedisDataSource redis;
    private final RedisTrackedNodes nodes;
    private final RedisKeys keys;
    private final Clock clock;
    private final Retention retention;
    /** Local followers by channel. */
    private final Map<String, Set<UnicastProcessor<ProgressEvent>>> followers = new ConcurrentHashMap<>();
    /** The one pattern subscription of this instance, to every progress channel, shared by all followers. */
    private final RedisSubscription subscription;

    public RedisProgressRepository(ReactiveRedisDataSource redis, String keyPrefix, Clock clock, Retention retention) {
        this(redis, keyPrefix, clock, retention, RedisTrackedNodes.single(redis));
    }

    /** @param nodes every node holding keys (every master of a cluster), for the one listing that scans them: {@link #projects} */
    public RedisProgressRepository(ReactiveRedisDataSource redis, String keyPrefix, Clock clock, Retention retention,
            RedisTrackedNodes nodes) {
        this.nodes = nodes;
        this.redis = redis;
        this.keys = new RedisKeys(keyPrefix);
        this.clock = clock;
        this.retention = retention;
        this.subscription = RedisSubscription.toPattern(redis, keys.progressChannels() + "*", this::deliver, this::subscriptionLost);
    }

    @Override
    public Uni<Boolean> start(Progress progress, Duration keptAtLeast) {
        Duration kept = keptAtLeast.compareTo(retention.ttl()) > 0 ? keptAtLeast : retention.ttl();
        return START.run(redis, keysOf(progress.project(), progress.id()),
                        List.of(Long.toString(progress.totalSteps()), progress.message(),
                                Long.toString(progress.startedAt().toEpochMilli()), Long.toString(kept.toMillis()),
                                progress.id().value()))
                .map(r -> r.toInteger() == 1)
                .onFailure().transform(RedisFailures::translate);
    }

    @Override
    public Uni<Boolean> restore(Progress progress, List<ProgressEvent> events, Duration kept) {
        List<String> args = new ArrayList<>(10 + 5 * events.size());
        args.addAll(List.of(Long.toString(progress.totalSteps()), Long.toString(progress.currentStep()), progress.status().name(),
                progress.message(), Long.toString(progress.startedAt().toEpochMilli()), Long.toString(progress.updatedAt().toEpochMilli()),
                Long.toString(progress.lastSequence()), Long.toString(clock.millis()), Long.toString(kept.toMillis()), progress.id().value()));
        for (ProgressEvent event : events) {
            args.addAll(List.of(Long.toString(event.sequence()), event.type().wireName(), Long.toString(event.step()), event.message(),
                    Long.toString(event.at().toEpochMilli())));
        }
        return RESTORE.run(redis, keysOf(progress.project(), progress.id()), args)
                .map(r -> r.toInteger() == 1)
                .onFailure().transform(RedisFailures::translate);
    }

    /** SCANs every node for the projects' indexes of operations, then counts each one's live ids (ZCOUNT), one at a time. */
    @Override
    public Uni<List<ProjectId>> projects() {
        return nodes.scan(keys.progressIndexPattern())
                .map(found -> found.stream().map(keys::projectOfProgressIndex).flatMap(Optional::stream).distinct().toList())
                .chain(found -> io.smallrye.mutiny.Multi.createFrom().iterable(found)
                        .onItem().transformToUniAndConcatenate(project -> redis.execute(Command.ZCOUNT, keys.progressExpiries(project),
                                        "(" + clock.millis(), "+inf")
                                .map(count -> count.toLong() > 0 ? Optional.of(project) : Optional.<ProjectId>empty()))
                        .filter(Optional::isPresent)
                        .map(Optional::get)
                        .collect().asList())
                .map(projects -> projects.stream().sorted(java.util.Comparator.comparing(ProjectId::value)).toList())
                .onFailure().transform(RedisFailures::translate);
    }

    @Override
    public Uni<RecordOutcome> record(ProjectId project, ProgressId id, ProgressChange change) {
        String silentSince = change instanceof ProgressChange.Stall stall ? Long.toString(stall.silentSince().toEpochMilli()) : "0";
        long now = clock.millis();
        return RECORD.run(redis, keysOf(project, id),
                        List.of(change.eventType().wireName(),
                                change instanceof ProgressChange.Step step ? Long.toString(step.increment()) : "0",
                                change.message(), Long.toString(now), Integer.toString(retention.maxRetained()),
                                Long.toString(retention.ttl().toMillis()), keys.progressChannel(project, id), silentSince,
                                id.value()))
                .map(r -> {
                    String outcome = r.get(0).toString();
                    if (outcome.equals("unknown")) {
                        return (RecordOutcome) new RecordOutcome.Unknown();
                    }
                    Progress progress = progress(project, id, r, 1);
                    return switch (outcome) {
                        case "recorded" -> new RecordOutcome.Recorded(progress, new ProgressEvent(progress.lastSequence(),
                                change.eventType(), progress.currentStep(), progress.message(), progress.updatedAt()));
                        case "active" -> new RecordOutcome.StillActive(progress);
                        default -> new RecordOutcome.AlreadyEnded(progress);
                    };
                })
                .onFailure().transform(RedisFailures::translate);
    }

    @Override
    public Uni<Optional<Progress>> find(ProjectId project, ProgressId id) {
        return redis.execute(Command.HMGET, keys.progress(project, id), "total", "current", "status", "message", "started",
                        "updated", "seq")
                .map(r -> r.get(0) == null ? Optional.<Progress>empty() : Optional.of(progress(project, id, r, 0)))
                .onFailure().transform(RedisFailures::translate);
    }

    @Override
    public Uni<ProgressPage> list(ProjectId project, Optional<ProgressId> after, int limit) {
        String min = after.map(id -> "(" + id.value()).orElse("-");
        return INDEX_PAGE.run(redis, List.of(keys.progressIndex(project), keys.progressExpiries(project)),
                        List.of(min, "+", Integer.toString(limit), Long.toString(clock.millis())))
                .chain(r -> {
                    Optional<ProgressId> next = r.get(0).toInteger() == limit ? Optional.of(ProgressId.of(r.get(1).toString()))
                            : Optional.empty();
                    List<Uni<Optional<Progress>>> reads = new ArrayList<>();
                    for (int i = 2; i < r.size(); i++) {
                        reads.add(find(project, ProgressId.of(r.get(i).toString())));
                    }
                    if (reads.isEmpty()) {
                        return Uni.createFrom().item(new ProgressPage(List.of(), next));
                    }
                    // An operation may expire between the index read and its own: it is then left out.
                    return Uni.join().all(reads).andFailFast()
                            .map(found -> new ProgressPage(found.stream().flatMap(Optional::stream).toList(), next));
                })
                .onFailure().transform(RedisFailures::translate);
    }

    @Override
    public Uni<EventsPage> eventsAfter(ProjectId project, ProgressId id, long after) {
        if (!followers.isEmpty()) {
            // Followers catch up through here on every heartbeat: if the subscription was lost
            // (Redis restarted), this makes it again, so live delivery resumes without a new follow.
            subscription.start();
        }
        String from = after < 1 ? "-" : "(0-" + after;
        return redis.execute(Command.XRANGE, keys.progressEvents(project, id), from, "+")
                .map(r -> {
                    List<ProgressEvent> events = new ArrayList<>(r.size());
                    for (Response entry : r) {
                        events.add(event(entry));
                    }
                    // Trimming keeps the newest events: a first one past after+1 means some were dropped.
                    boolean gap = !events.isEmpty() && events.get(0).sequence() > after + 1;
                    return new EventsPage(events, gap);
                })
                .onFailure().transform(RedisFailures::translate);
    }

    @Override
    public Uni<Multi<ProgressEvent>> follow(ProjectId project, ProgressId id) {
        String channel = keys.progressChannel(project, id);
        return Uni.createFrom().deferred(() -> {
            // Registered before the subscription is confirmed: a message that arrives early is kept.
            UnicastProcessor<ProgressEvent> buffer = UnicastProcessor.create();
            followers.computeIfAbsent(channel, c -> ConcurrentHashMap.newKeySet()).add(buffer);
            Multi<ProgressEvent> events = buffer.onTermination().invoke(() -> forget(channel, buffer));
            return subscription.ready()
                    .ifNoItem().after(CONFIRMATION).recoverWithItem(() -> {
                        LOG.debugf("pattern subscription not confirmed within %s; following on, with catch-up from history",
                                CONFIRMATION);
                        return null;
                    })
                    // On a cluster the subscription may be on another master than the operation's, which hears a
                    // record's PUBLISH over the cluster bus after the script answered: an event recorded before
                    // this follow may still come. The operation's own master has run every earlier record, so its
                    // sequence now is the floor below which nothing is delivered.
                    .chain(() -> redis.execute(Command.HGET, keys.progress(project, id), "seq"))
                    .map(seq -> seq == null ? 0L : seq.toLong())
                    .onFailure().invoke(() -> forget(channel, buffer))
                    .onFailure().transform(RedisFailures::translate)
                    .map(floor -> events.select().where(event -> event.sequence() > floor));
        });
    }

    /**
     * A lost subscription is made again at once while anyone follows: live delivery resumes within a
     * second of a failover, not at each follower's next heartbeat.
     */
    private void subscriptionLost() {
        if (!followers.isEmpty()) {
            subscription.keepMade();
        }
    }

    private void forget(String channel, UnicastProcessor<ProgressEvent> buffer) {
        followers.computeIfPresent(channel, (c, set) -> {
            set.remove(buffer);
            return set.isEmpty() ? null : set;
        });
    }

    private List<String> keysOf(ProjectId project, ProgressId id) {
        return List.of(keys.progress(project, id), keys.progressEvents(project, id), keys.progressIndex(project),
                keys.progressExpiries(project));
    }

    /** Ends the pattern subscription, giving its connection back; followers get nothing more. */
    public Uni<Void> close() {
        return subscription.close();
    }

    /** Hands a published event to this instance's followers of its channel. */
    private void deliver(String channel, String message) {
        Set<UnicastProcessor<ProgressEvent>> local = followers.get(channel);
        if (local == null) {
            return;
        }
        String[] f = message.split("\t", 5);
        ProgressEvent event = new ProgressEvent(Long.parseLong(f[0]), ProgressEventType.parse(f[1]), Long.parseLong(f[2]),
                f[4], Instant.ofEpochMilli(Long.parseLong(f[3])));
        local.forEach(follower -> follower.onNext(event));
    }

    private static ProgressEvent event(Response entry) {
        String id = entry.get(0).toString();
        Response fields = entry.get(1);
        String type = null;
        String message = "";
        long step = 0;
        long at = 0;
        for (int i = 0; i + 1 < fields.size(); i += 2) {
            String value = fields.get(i + 1).toString();
            switch (fields.get(i).toString()) {
                case "t" -> type = value;
                case "s" -> step = Long.parseLong(value);
                case "m" -> message = value;
                case "a" -> at = Long.parseLong(value);
                default -> {
                    // fields of a later version are ignored
                }
            }
        }
        return new ProgressEvent(Long.parseLong(id.substring(id.indexOf('-') + 1)), ProgressEventType.parse(type), step,
                message, Instant.ofEpochMilli(at));
    }

    /** A state from the 7 fields total, current, status, message, started, updated, seq, from {@code at}. */
    private static Progress progress(ProjectId project, ProgressId id, Response r, int at) {
        return new Progress(project, id, r.get(at).toLong(), r.get(at + 1).toLong(), ProgressStatus.valueOf(r.get(at + 2).toString()),
                r.get(at + 3).toString(), Instant.ofEpochMilli(r.get(at + 4).toLong()), Instant.ofEpochMilli(r.get(at + 5).toLong()),
                r.get(at + 6).toLong());
    }
}
