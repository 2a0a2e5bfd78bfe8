package infrastructure.config;

import domain.access.ApiKeySecret;
import domain.access.AuthenticationPolicy;
import domain.access.BootstrapKey;
import domain.InvalidValueException;
import infrastructure.embedded.BootstrapKeyFile;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.util.Optional;
import org.jboss.logging.Logger;

/** Provides the bootstrap admin key at start: the configured one, or a generated one logged once (and kept by the embedded store). */
@ApplicationScoped
public class Credentials {

    private static final Logger LOG = Logger.getLogger(Credentials.class);
    private static final int MIN_LENGTH = 32;

    @Produces
    @Singleton
    AuthenticationPolicy authenticationPolicy(AuthConfig auth) {
        return new AuthenticationPolicy(auth.staleIfUnavailable(), auth.rememberedKeys(), auth.keyCacheMaxAge(),
                auth.keyCacheSize(), auth.unknownKeyMaxAge(), auth.unknownKeyCacheSize());
    }

    /**
     * The configured key; else, with the embedded store, the key generated at its first start (only its
     * digest is kept, in the data directory); else one generated for this run. A generated secret is
     * logged once, when it is made.
     */
    @Produces
    @Singleton
    @Startup
    BootstrapKey bootstrapKey(AuthConfig auth, StoreConfig store) {
        if (auth.bootstrapKey().isPresent()) {
            String configured = auth.bootstrapKey().get();
            if (configured.length() < MIN_LENGTH) {
                throw new InvalidValueException("cache-domain.auth.bootstrap-key must be at least 32 characters");
            }
            return BootstrapKey.of(ApiKeySecret.of(configured));
        }
        if (store.store() == StoreConfig.Kind.embedded) {
            BootstrapKeyFile file = new BootstrapKeyFile(store.embedded().path());
            Optional<String> saved = file.digest();
            if (saved.isPresent()) {
                LOG.infof("Bootstrap key: the one generated at the first start of this data directory (its digest is in %s; "
                        + "delete that file to have a new key generated at the next start)", file.path());
                return new BootstrapKey(saved.get());
            }
            ApiKeySecret generated = ApiKeySecret.generate();
            if (!file.save(generated.digest())) {
                return new BootstrapKey(file.digest().orElseThrow());
            }
            // The one place a secret is logged, on purpose: a first run must be usable without setup.
            LOG.warnf("No bootstrap key configured: generated one for this data directory, kept across restarts (only its "
                    + "digest is stored, in %s). Use it as 'Authorization: Bearer %s'; it is not shown again.",
                    file.path(), generated.reveal());
            return BootstrapKey.of(generated);
        }
        ApiKeySecret generated = ApiKeySecret.generate();
        // The one place a secret is logged, on purpose: a first run must be usable without setup.
        LOG.warnf("No bootstrap key configured: generated one for this run only. Use it as "
                + "'Authorization: Bearer %s' and set CACHE_DOMAIN_AUTH_BOOTSTRAP_KEY in production.",
                generated.reveal());
        return BootstrapKey.of(generated);
    }
}
