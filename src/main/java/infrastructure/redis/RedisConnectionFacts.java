package infrastructure.redis;

import io.vertx.redis.client.RedisOptions;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * What the Redis client's options say about its connections' security: whether every endpoint uses TLS,
 * the hosts other than this machine reached without it, and whether a password (and a user) is given
 * (in the endpoint's user info or query, as the Vert.x client reads them, or in the options). Never the
 * secrets themselves. Only the configured endpoints are seen: for Sentinel those are the sentinels, for a
 * cluster its seed nodes.
 *
 * @param tls            true when every endpoint uses TLS; empty when the options are unknown
 * @param plainRemote    the hosts, not loopback addresses, of endpoints without TLS
 * @param password       whether a password is configured; empty when the options are unknown
 */
public record RedisConnectionFacts(Optional<Boolean> tls, List<String> plainRemote, Optional<Boolean> password) {

    public RedisConnectionFacts {
        plainRemote = List.copyOf(plainRemote);
    }

    /** Nothing known (a data source made without options, as in some tests): no claim and no warning from it. */
    public static final RedisConnectionFacts UNKNOWN = new RedisConnectionFacts(Optional.empty(), List.of(), Optional.empty());

    /** The facts of {@code options}; {@link #UNKNOWN} when null. Reads no DNS: names are judged as written. */
    public static RedisConnectionFacts of(RedisOptions options) {
        if (options == null) {
            return UNKNOWN;
        }
        boolean everyTls = !options.getEndpoints().isEmpty();
        boolean clientTls = options.getNetClientOptions() != null && options.getNetClientOptions().isSsl();
        boolean password = options.getPassword() != null && !options.getPassword().isEmpty();
        List<String> plainRemote = new ArrayList<>();
        for (String endpoint : options.getEndpoints()) {
            URI uri;
            try {
                uri = URI.create(endpoint);
            } catch (IllegalArgumentException e) {
                everyTls = false;
                continue;
            }
            boolean tls = clientTls || "rediss".equalsIgnoreCase(uri.getScheme());
            everyTls &= tls || "unix".equalsIgnoreCase(uri.getScheme());
            String info = uri.getRawUserInfo();
            password |= info != null && info.indexOf(':') >= 0 && info.indexOf(':') < info.length() - 1;
            password |= query(uri, "password").isPresent();
            String host = uri.getHost();
            if (!tls && host != null && !isLoopback(host) && !plainRemote.contains(host)) {
                plainRemote.add(host);
            }
        }
        return new RedisConnectionFacts(Optional.of(everyTls), plainRemote, Optional.of(password));
    }

    private static Optional<String> query(URI uri, String name) {
        String query = uri.getRawQuery();
        if (query == null) {
            return Optional.empty();
        }
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0 && pair.substring(0, eq).equals(name) && eq < pair.length() - 1) {
                return Optional.of(pair.substring(eq + 1));
            }
        }
        return Optional.empty();
    }

    /** True for {@code localhost} and the loopback addresses written as literals (127.x.x.x, ::1 in any spelling); no lookup. */
    static boolean isLoopback(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        if (h.equals("localhost")) {
            return true;
        }
        if (h.matches("127(\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}")) {
            return true;
        }
        if (h.contains(":") && h.matches("[0-9a-f:]+")) {
            String[] groups = h.split(":", -1);
            long nonZero = java.util.Arrays.stream(groups).filter(g -> !g.isEmpty() && !g.matches("0+")).count();
            return nonZero == 1 && groups[groups.length - 1].matches("0*1") && h.indexOf("::") == h.lastIndexOf("::");
        }
        return false;
    }
}
