package domain.access;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ApiKeySecretTest {

    @Test
    void generatesCdkPrefixFollowedBy43UrlSafeCharacters() {
        String secret = ApiKeySecret.generate().reveal();

        assertThat(secret).matches("cdk_[A-Za-z0-9_-]{43}");
    }

    @Test
    void generatesDistinctSecrets() {
        Set<String> secrets = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            secrets.add(ApiKeySecret.generate().reveal());
        }

        assertThat(secrets).hasSize(10_000);
    }

    @Test
    void digestIs64LowercaseHexCharacters() {
        assertThat(ApiKeySecret.generate().digest()).matches("[0-9a-f]{64}");
    }

    @Test
    void digestIsTheSha256OfTheSecret() {
        // SHA-256("abc"), the FIPS 180-2 test vector.
        assertThat(ApiKeySecret.of("abc").digest())
                .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    @Test
    void digestIsStableForTheSameSecret() {
        ApiKeySecret secret = ApiKeySecret.generate();

        assertThat(secret.digest()).isEqualTo(secret.digest());
        assertThat(ApiKeySecret.of(secret.reveal()).digest()).isEqualTo(secret.digest());
    }

    @Test
    void differentSecretsHaveDifferentDigests() {
        assertThat(ApiKeySecret.of("cdk_one").digest()).isNotEqualTo(ApiKeySecret.of("cdk_two").digest());
    }

    @Test
    void toStringNeverContainsTheSecret() {
        ApiKeySecret secret = ApiKeySecret.generate();
        String body = secret.reveal().substring("cdk_".length());

        assertThat(secret.toString())
                .doesNotContain(secret.reveal())
                .doesNotContain(body.substring(0, 8))
                .doesNotContain(secret.digest());
        assertThat(String.valueOf(ApiKeySecret.of("cdk_known-secret"))).doesNotContain("known-secret");
    }
}
