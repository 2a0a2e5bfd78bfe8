package domain.access;

import java.time.Instant;
import java.util.Set;

/**
 * An API key as the store keeps it: its name, the digest of its secret, and what it may do.
 *
 * <p>Rule: at least one scope.
 */
public record ApiKey(ApiKeyName name, String secretDigest, ProjectAccess projects, Set<Scope> scopes, Instant createdAt) {

    public ApiKey {
        scopes = Set.copyOf(scopes);
        if (scopes.isEmpty()) {
            throw new domain.InvalidValueException("scopes must name at least one scope");
        }
    }

    /** The principal a request authenticated with this key acts as. */
    public Principal principal() {
        return new Principal(name.value(), projects, scopes, new Credential.Key(name));
    }
}
