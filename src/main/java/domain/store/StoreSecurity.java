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
        ACL_USER,
        /** The service cannot tell (its client's settings are not known to it): no warning either way. */
        UNKNOWN
    }

    public StoreSecurity {
        warnings = List.copyOf(warnings);
    }

    /**
     * The status, its warnings derived from the facts.
     *
     * @param plainRemote the hosts, not this machine, the service reaches without TLS
     */
    public static StoreSecurity assess(Optional<Boolean> tls, List<String> plainRemote, Auth auth, Optional<String> user,
            Optional<Boolean> protectedMode, EvictionPolicy eviction) {
        List<String> warnings = new ArrayList<>();
        if (auth == Auth.NONE) {
            warnings.add("the store asks no password: anyone who reaches its port reads and changes every project's data; "
                    + "give the service an ACL user (deploy/redis-acl.conf) or at least requirepass");
        }
        if (!plainRemote.isEmpty()) {
            warnings.add("the connection to " + String.join(", ", plainRemote) + " is not encrypted: data and credentials cross "
                    + "the network in clear; use rediss:// (TLS)");
        }
        if (auth == Auth.NONE && protectedMode.isPresent() && !protectedMode.get()) {
            warnings.add("the store runs with protected-mode no and no password: it answers any host that reaches it");
        }
        if (!eviction.isSafe() && !eviction.equals(EvictionPolicy.UNKNOWN) && !eviction.name().startsWith("volatile-")) {
            eviction.warning().ifPresent(warnings::add); // the same words as the report's own warning: said once where both show
        }
        return new StoreSecurity(tls, auth, user, protectedMode, warnings);
    }
}
