package infrastructure.redis;

import domain.progress.ProgressId;
import domain.progress.ProgressTicket;
import domain.progress.ProgressTickets;
import domain.project.ProjectId;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import java.time.Duration;
import java.util.Optional;

/**
 * Stream tickets on Redis: one string per ticket under its digest, in the project's hash slot,
 * expiring with the ticket; taken with GETDEL, so a ticket opens at most one stream.
 */
public final class RedisProgressTickets implements ProgressTickets {

    private final ReactiveRedisDataSource redis;
    private final RedisKeys keys;

    public RedisProgressTickets(ReactiveRedisDataSource redis, String keyPrefix) {
        this.redis = redis;
        this.keys = new RedisKeys(keyPrefix);
    }

    @Override
    public Uni<Void> store(String digest, ProgressTicket ticket, Duration ttl) {
        return redis.execute(Command.SET, keys.progressTicket(ticket.project(), digest),
                        ticket.operation().value() + "\t" + ticket.issuedTo(), "PX", Long.toString(Math.max(1, ttl.toMillis())))
                .replaceWithVoid()
                .onFailure().transform(RedisFailures::translate);
    }

    @Override
    public Uni<Optional<ProgressTicket>> take(ProjectId project, String digest) {
        return redis.execute(Command.GETDEL, keys.progressTicket(project, digest))
                .map(r -> {
                    if (r == null) {
                        return Optional.<ProgressTicket>empty();
                    }
                    String[] f = r.toString().split("\t", 2);
                    return Optional.of(new ProgressTicket(project, ProgressId.of(f[0]), f[1]));
                })
                .onFailure().transform(RedisFailures::translate);
    }
}
