package infrastructure.redis;

import io.vertx.mutiny.redis.client.RedisConnection;

/** What the adapters that hold connections of their own (subscriptions, near cache tracking) do with one they are done with. */
final class RedisConnections {

    private RedisConnections() {
    }

    /**
     * Closes a connection that no longer counts, without waiting: a deliberate fire-and-forget, as a
     * failure to close one that is already gone changes nothing. The pool never hands out again a
     * connection that ran SELECT, AUTH or a pub/sub command; closing such a one closes its socket.
     */
    static void discard(RedisConnection connection) {
        connection.close().subscribe().with(closed -> { }, failure -> { });
    }
}
