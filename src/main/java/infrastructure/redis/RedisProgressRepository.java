package infrastructure.redis;

import domain.progress.EventsPage;
import domain.progress.Progress;
import domain.progress.ProgressChange;
import domain.progress.ProgressEvent;
import domain.progress.ProgressEventType;
import domain.progress.ProgressId;
import domain.progress.ProgressRepository;
import domain.progress.ProgressStatus;
import domain.progress.RecordOutcome;
import domain.project.ProjectId;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.pubsub.ReactivePubSubCommands;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.operators.multi.processors.UnicastProcessor;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Response;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The progress port on Redis: a hash per operation and a stream of its events (entry ids
 * {@code 0-<sequence>}, trimmed to the newest N), both expiring after the last update. Every
 * recorded event is also published; each instance holds one pattern subscription to all progress
 * channels, made on the first follow, and hands events to its local followers.
 */
public final class RedisProgressRepository implements ProgressRepository {

    private static final LuaScript START = LuaScript.load("progress_start");
    private static final LuaScript RECORD = LuaScript.load("progress_record");

    private final ReactiveRedisDataSource redis;
    private final ReactivePubSubCommands<String> pubsub;
    private final RedisKeys keys;
    private final Clock clock;
    private final Retention retention;
    /** Local followers by channel. */
    private final Map<String, Set<UnicastProcessor<ProgressEvent>>> followers = new ConcurrentHashMap<>();
    /** The one pattern subscription of this instance, to every progress channel, shared by all followers. */
    private final RedisSubscription subscription;

    public RedisProgressRepository(ReactiveRedisDataSource redis, String keyPrefix, Clock clock, Retention retention) {
        this.redis = redis;
        this.pubsub = redis.pubsub(String.class);
        this.keys = new RedisKeys(keyPrefix);
        this.clock = clock;
        this.retention = retention;
        this.subscription = new RedisSubscription(() -> pubsub.subscribeToPattern(keys.progressChannels() + "*", this::deliver));
    }

    @Override
    public Uni<Boolean> start(Progress progress) {
        return START.run(redis, List.of(keys.progress(progress.project(), progress.id()), keys.progressEvents(progress.project(), progress.id())),
                        List.of(Long.toString(progress.totalSteps()), progress.message(),
                                Long.toString(progress.startedAt().toEpochMilli()), Long.toString(retention.ttl().toMillis())))
                .map(r -> r.toInteger() == 1)
                .onFailure().transform(RedisFailures::translate);
    }

    @Override
    public Uni<RecordOutcome> record(ProjectId project, ProgressId id, ProgressChange change) {
        String silentSince = change instanceof ProgressChange.Stall stall ? Long.toString(stall.silentSince().toEpochMilli()) : "0";
        long now = clock.millis();
        return RECORD.run(redis, List.of(keys.progress(project, id), keys.progressEvents(project, id)),
                        List.of(change.eventType().wireName(),
                                change instanceof ProgressChange.Step step ? Long.toString(step.increment()) : "0",
                                change.message(), Long.toString(now), Integer.toString(retention.maxRetained()),
                                Long.toString(retention.ttl().toMillis()), keys.progressChannel(project, id), silentSince))
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
    public Uni<EventsPage> eventsAfter(ProjectId project, ProgressId id, long after) {
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
        return subscription.ready().map(ready -> {
            UnicastProcessor<ProgressEvent> buffer = UnicastProcessor.create();
            followers.computeIfAbsent(channel, c -> ConcurrentHashMap.newKeySet()).add(buffer);
            return buffer.onTermination().invoke(() -> followers.computeIfPresent(channel, (c, set) -> {
                set.remove(buffer);
                return set.isEmpty() ? null : set;
            }));
        });
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
