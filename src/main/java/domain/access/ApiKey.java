package domain.access;

import java.time.Instant;
import java.util.Optional;
import java.util.Set;

/**
 * An API key as the store keeps it: its name, the digest of its secret, what it may do, and when it
 * stops working, if ever.
 *
 * <p>Rules: at least one scope; an expiry, when there is one, after the creation. An expired key
 * authenticates nothing, exactly like a revoked one; it stays listed (so an administrator sees why
 * it fails) until it is revoked.
 *
 * @param expiresAt null for a key that never expires
 */
public record ApiKey(ApiKeyName name, String secretDigest, ProjectAccess projects, Set<Scope> scopes, Instant createdAt,
        Instant expiresAt) {

    public ApiKey {
        scopes = Set.copyOf(scopes);
        if (scopes.isEmpty()) {
            throw new domain.InvalidValueException("scopes must name at least one scope");
        }
        if (expiresAt != null && !expiresAt.isAfter(createdAt)) {
            throw new domain.InvalidValueException("expiresAt", "expiresAt must lie in the future");
        }
    }

    /** A key that never expires. */
    public ApiKey(ApiKeyName name, String secretDigest, ProjectAccess projects, Set<Scope> scopes, Instant createdAt) {
        this(name, secretDigest, projects, scopes, createdAt, null);
    }

    /** When the key stops working; empty when it never does. */
    public Optional<Instant> expiry() {
        return Optional.ofNullable(expiresAt);
    }

    /** True from the key's expiry on. */
    public boolean expiredAt(Instant now) {
        return expiresAt != null && !now.isBefore(expiresAt);
    }

    /** The principal a request authenticated with this key acts as. */
    public Principal principal() {
        return new Principal(name.value(), projects, scopes, new Credential.Key(name));
    }
}
