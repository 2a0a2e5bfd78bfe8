package domain.store;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * How the service's connection to its store stands as far as security goes, and what an operator
 * should fix before exposing it: the seed's security status.
 *
 * <p>Rules for the warnings: a store that asks no password lets anyone who reaches its port read and
 * change every project's data; a connection without TLS to a host other than this machine crosses the
 * network in clear; {@code protected-mode no} lets a password-less store answer other hosts; an eviction
 * policy that drops keys without a TTL drops API keys and stored policies.
 *
 * @param tls           whether the connection is encrypted; empty when the service cannot tell
 * @param auth          how the service authenticates
 * @param user          the ACL user the store says the service is ({@code ACL WHOAMI}); empty when it did not say
 * @param protectedMode the store's {@code protected-mode}; empty when it would not say (a restricted user may not ask)
 * @param warnings      what to fix, in words
 */
public record StoreSecurity(Optional<Boolean> tls, Auth auth, Optional<String> user, Optional<Boolean> protectedMode,
        List<String> warnings) {

    /** How the service authenticates to its store. */
    public enum Auth {
        /** No password: the store's default user without one. */
        NONE,
        /** A password for the store's default user ({@code requirepass}). */
        PASSWORD,
        /** A user of its own, with a password ({@code ACL}). */
        ACL_USER
    }

    public StoreSecurity {
        warnings = List.copyOf(warnings);
    }

    /**
     * The status, its warnings derived from the facts.
     *
     * @param remoteHosts the hosts the service connects to that are not this machine (loopback ones left out)
     */
    public static StoreSecurity assess(Optional<Boolean> tls, List<String> remoteHosts, Auth auth, Optional<String> user,
            Optional<Boolean> protectedMode, EvictionPolicy eviction) {
        List<String> warnings = new ArrayList<>();
        if (auth == Auth.NONE) {
            warnings.add("the store asks no password: anyone who reaches its port reads and changes every project's data; "
                    + "give the service an ACL user (deploy/redis-acl.conf) or at least requirepass");
        }
        if (tls.isPresent() && !tls.get() && !remoteHosts.isEmpty()) {
            warnings.add("the connection to " + String.join(", ", remoteHosts) + " is not encrypted: data and credentials cross "
                    + "the network in clear; use rediss:// (TLS)");
        }
        if (protectedMode.isPresent() && !protectedMode.get()) {
            warnings.add("the store runs with protected-mode no: without a password it answers any host that reaches it");
        }
        if (!eviction.isSafe() && !eviction.equals(EvictionPolicy.UNKNOWN) && !eviction.name().startsWith("volatile-")) {
            warnings.add("maxmemory-policy " + eviction.name() + " drops keys without a TTL: API keys and stored rate-limit "
                    + "policies may vanish; use noeviction");
        }
        return new StoreSecurity(tls, auth, user, protectedMode, warnings);
    }
}
