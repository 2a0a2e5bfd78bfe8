package infrastructure.redis;

import domain.store.StoreSecurity;
import io.vertx.redis.client.RedisOptions;
import java.net.InetAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * What the Redis client's options say about its connections' security: TLS or not, the hosts other than
 * this machine, and how it authenticates (a user and password in the endpoint, or a password alone).
 * Never the secrets themselves.
 *
 * @param tls         empty when the options are unknown (a data source made without them, as in some tests)
 * @param remoteHosts the endpoints' hosts that are not loopback addresses
 */
public record RedisConnectionFacts(Optional<Boolean> tls, List<String> remoteHosts, StoreSecurity.Auth auth) {

    public RedisConnectionFacts {
        remoteHosts = List.copyOf(remoteHosts);
    }

    /** Nothing known: no TLS claim, no hosts, and the auth as the server tells it (its user) alone. */
    public static final RedisConnectionFacts UNKNOWN = new RedisConnectionFacts(Optional.empty(), List.of(), StoreSecurity.Auth.NONE);

    /** The facts of {@code options}; {@link #UNKNOWN} when null. */
    public static RedisConnectionFacts of(RedisOptions options) {
        if (options == null) {
            return UNKNOWN;
        }
        boolean tls = options.getNetClientOptions() != null && options.getNetClientOptions().isSsl();
        boolean user = false;
        boolean password = options.getPassword() != null && !options.getPassword().isEmpty();
        List<String> remote = new ArrayList<>();
        for (String endpoint : options.getEndpoints()) {
            URI uri;
            try {
                uri = URI.create(endpoint);
            } catch (IllegalArgumentException e) {
                continue; // a unix socket path, say: on this machine
            }
            tls |= "rediss".equalsIgnoreCase(uri.getScheme());
            String info = uri.getRawUserInfo();
            if (info != null && !info.isEmpty()) {
                int colon = info.indexOf(':');
                user |= colon > 0;
                password |= colon >= 0 && colon < info.length() - 1;
            }
            String host = uri.getHost();
            if (host != null && !isLoopback(host) && !remote.contains(host)) {
                remote.add(host);
            }
        }
        StoreSecurity.Auth auth = user ? StoreSecurity.Auth.ACL_USER : password ? StoreSecurity.Auth.PASSWORD : StoreSecurity.Auth.NONE;
        return new RedisConnectionFacts(Optional.of(tls), remote, auth);
    }

    /** True for localhost and loopback addresses, without a DNS lookup of any other name. */
    static boolean isLoopback(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        if (h.equals("localhost") || h.startsWith("[") && h.endsWith("]") && h.equals("[::1]")) {
            return true;
        }
        if (!h.matches("[0-9.]+|[0-9a-f:]+")) {
            return false;
        }
        try {
            return InetAddress.getByName(h).isLoopbackAddress();
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }
}
