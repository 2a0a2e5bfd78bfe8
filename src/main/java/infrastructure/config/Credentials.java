package infrastructure.config;

import domain.access.ApiKeySecret;
import domain.access.AuthenticationPolicy;
import domain.access.BootstrapKey;
import domain.InvalidValueException;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

/** Provides the bootstrap admin key at start: the configured one, or a generated one logged once. */
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

    @Produces
    @Singleton
    @Startup
    BootstrapKey bootstrapKey(AuthConfig auth) {
        if (auth.bootstrapKey().isPresent()) {
            String configured = auth.bootstrapKey().get();
            if (configured.length() < MIN_LENGTH) {
                throw new InvalidValueException("cache-domain.auth.bootstrap-key must be at least 32 characters");
            }
            return BootstrapKey.of(ApiKeySecret.of(configured));
        }
        ApiKeySecret generated = ApiKeySecret.generate();
        // The one place a secret is logged, on purpose: a first run must be usable without setup.
        LOG.warnf("No bootstrap key configured: generated one for this run only. Use it as "
                + "'Authorization: Bearer %s' and set CACHE_DOMAIN_AUTH_BOOTSTRAP_KEY in production.",
                generated.reveal());
        return BootstrapKey.of(generated);
    }
}
