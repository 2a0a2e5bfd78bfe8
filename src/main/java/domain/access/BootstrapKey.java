package domain.access;

import domain.Secrets;
import java.util.Set;

/**
 * The operator's first key: all projects, all scopes, configured rather than stored. Only its
 * digest is held, and it is compared in constant time.
 */
public record BootstrapKey(String secretDigest) {

    /** The name the bootstrap key acts under in logs and audit lines. */
    public static final String NAME = "bootstrap";

    public static BootstrapKey of(ApiKeySecret secret) {
        return new BootstrapKey(secret.digest());
    }

    /** True when the presented secret has this key's digest. */
    public boolean matches(String presentedDigest) {
        return Secrets.sameDigest(secretDigest, presentedDigest);
    }

    public Principal principal() {
        return new Principal(NAME, ProjectAccess.all(), Set.of(Scope.values()), Credential.OPERATOR);
    }
}
