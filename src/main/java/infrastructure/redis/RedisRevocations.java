package infrastructure.redis;

import domain.access.ApiKeyName;
import domain.access.Credential;
import domain.access.Revocation;
import domain.access.Revocations;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.pubsub.ReactivePubSubCommands;
import io.smallrye.mutiny.Uni;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jboss.logging.Logger;

/**
 * Revocation notices on Redis: published on one channel under the prefix ({@code cd:rev}), heard
 * by every instance through one subscription of its own, made when the first listener registers
 * and made again, with backoff, as soon as its connection is lost.
 *
 * <p>The publishing instance hands a notice to its own listeners directly, so that its streams end
 * even while its subscription is down, and skips the copy that comes back from Redis: every
 * listener hears each notice once. A message reads {@code <instance>\t<kind>\t<subject>}; the
 * subject is a key name, a session id or a user tag, never a secret.
 */
public final class RedisRevocations implements Revocations {

    private static final Logger LOG = Logger.getLogger(RedisRevocations.class);
    private final ReactivePubSubCommands<String> pubsub;
    private final String channel;
    /** Tells this instance's messages from the others'. */
    private final String instance = UUID.randomUUID().toString();
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private final RedisSubscription subscription;
    private volatile boolean closed;
    /** True from the moment the subscription is made until it is lost or closed. */
    private volatile boolean live;

    public RedisRevocations(ReactiveRedisDataSource redis, String keyPrefix) {
        this.pubsub = redis.pubsub(String.class);
        this.channel = new RedisKeys(keyPrefix).revocations();
        this.subscription = RedisSubscription.toChannel(redis, channel, (c, message) -> heard(message),
                this::made, this::lost);
    }

    @Override
    public Uni<Void> publish(Revocation notice) {
        return Uni.createFrom().deferred(() -> {
            listeners.forEach(listener -> listener.revoked(notice));
            return pubsub.publish(channel, instance + "\t" + encode(notice));
        }).onFailure().transform(RedisFailures::translate);
    }

    @Override
    public void listen(Listener listener) {
        listeners.add(listener);
        subscription.keepMade();
    }

    @Override
    public boolean live() {
        return live;
    }

    /** Live first, then the listeners check what they hold: nothing they keep from now on can miss a notice. */
    private void made() {
        if (closed) {
            return;
        }
        live = true;
        listeners.forEach(Listener::mayHaveMissed);
    }

    /** Not live first, then the listeners drop what they trust the channel for, then the subscription is made again. */
    private void lost() {
        live = false;
        listeners.forEach(Listener::lost);
        subscription.keepMade();
    }

    /** Ends the subscription; notices from other instances are not heard any more, and the listeners are told so. */
    public Uni<Void> close() {
        closed = true;
        live = false;
        listeners.forEach(Listener::lost);
        return subscription.close();
    }

    private void heard(String message) {
        String[] f = message.split("\t", 3);
        if (f.length != 3 || f[0].equals(instance)) {
            return;
        }
        Revocation notice;
        try {
            notice = decode(f[1], f[2]);
        } catch (IllegalArgumentException e) {
            LOG.debugf("ignored an unreadable revocation notice of kind %s", f[1]);
            return;
        }
        listeners.forEach(listener -> listener.revoked(notice));
    }

    private static String encode(Revocation notice) {
        if (notice instanceof Revocation.KeyRevoked key) {
            return "key\t" + key.name().value();
        }
        if (notice instanceof Revocation.SessionRevoked session) {
            return "session\t" + session.session().sessionId();
        }
        if (notice instanceof Revocation.SessionAccessChanged changed) {
            return "access\t" + changed.session().sessionId();
        }
        return "user\t" + ((Revocation.UserSessionsRevoked) notice).userTag();
    }

    private static Revocation decode(String kind, String subject) {
        return switch (kind) {
            case "key" -> new Revocation.KeyRevoked(ApiKeyName.of(subject));
            case "session" -> new Revocation.SessionRevoked(new Credential.Session(subject));
            case "access" -> new Revocation.SessionAccessChanged(new Credential.Session(subject));
            case "user" -> new Revocation.UserSessionsRevoked(subject);
            default -> throw new IllegalArgumentException("unknown kind " + kind);
        };
    }
}
