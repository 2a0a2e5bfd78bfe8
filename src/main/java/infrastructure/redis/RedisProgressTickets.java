package infrastructure.redis;

import domain.progress.ProgressId;
import domain.progress.ProgressTicket;
import domain.progress.ProgressTickets;
import domain.project.ProjectId;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Stream tickets on Redis: one hash per ticket under its digest (operation, issuer, openings), in
 * the project's hash slot, expiring with the ticket; opened by a script that counts the opening and
 * extends the ticket's life in one step.
 */
public final class RedisProgressTickets implements ProgressTickets {

    private static final LuaScript STORE = LuaScript.load("progress_ticket_store");
    private static final LuaScript OPEN = LuaScript.load("progress_ticket_open");

    private final ReactiveRedisDataSource redis;
    private final RedisKeys keys;

    public RedisProgressTickets(ReactiveRedisDataSource redis, String keyPrefix) {
        this.redis = redis;
        this.keys = new RedisKeys(keyPrefix);
    }

    @Override
    public Uni<Void> store(String digest, ProgressTicket ticket, Duration ttl) {
        return STORE.run(redis, List.of(keys.progressTicket(ticket.project(), digest)),
                        List.of(ticket.operation().value(), ticket.issuedTo(), Long.toString(Math.max(1, ttl.toMillis()))))
                .replaceWithVoid()
                .onFailure().transform(RedisFailures::translate);
    }

    @Override
    public Uni<Optional<ProgressTicket.Opening>> open(ProjectId project, ProgressId operation, String digest, Duration keepFor) {
        return OPEN.run(redis, List.of(keys.progressTicket(project, digest)),
                        List.of(operation.value(), Long.toString(Math.max(1, keepFor.toMillis()))))
                .map(r -> r == null ? Optional.<ProgressTicket.Opening>empty()
                        : Optional.of(new ProgressTicket.Opening(new ProgressTicket(project, operation, r.get(0).toString()), digest,
                                r.get(1).toLong())))
                .onFailure().transform(RedisFailures::translate);
    }

    @Override
    public Uni<OptionalLong> latestOpening(ProjectId project, String digest) {
        return redis.execute(Command.HGET, keys.progressTicket(project, digest), "n")
                .map(r -> r == null ? OptionalLong.empty() : OptionalLong.of(r.toLong()))
                .onFailure().transform(RedisFailures::translate);
    }
}
