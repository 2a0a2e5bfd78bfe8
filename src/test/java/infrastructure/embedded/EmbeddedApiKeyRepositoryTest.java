package infrastructure.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import contract.ApiKeyRepositoryContract;
import domain.access.ApiKey;
import domain.access.ApiKeyName;
import domain.access.ApiKeyRepository;
import domain.access.ApiKeySecret;
import domain.access.ProjectAccess;
import domain.access.Scope;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import support.EmbeddedDatabases;

class EmbeddedApiKeyRepositoryTest extends ApiKeyRepositoryContract {

    private EmbeddedDatabase db;

    @Override
    protected ApiKeyRepository newRepository() {
        db = EmbeddedDatabases.fresh();
        return new EmbeddedApiKeyRepository(db);
    }

    @AfterEach
    void closeDatabase() {
        db.close();
    }

    @Test
    void keepsKeysAcrossAReopeningAndNeverTheSecret() throws Exception {
        ApiKeySecret secret = ApiKeySecret.generate();
        ApiKey stored = new ApiKey(ApiKeyName.of("kept"), secret.digest(), ProjectAccess.all(), Set.of(Scope.ADMIN),
                Instant.now().truncatedTo(ChronoUnit.MILLIS));
        keys.create(stored).await().atMost(Duration.ofSeconds(5));
        Path directory = db.directory();
        db.close();

        db = EmbeddedDatabases.open(directory, EmbeddedDatabases.DEFAULT_MAX_BYTES);
        assertThat(new EmbeddedApiKeyRepository(db).findByDigest(secret.digest()).await().atMost(Duration.ofSeconds(5)))
                .contains(stored);
        assertThat(Files.readAllBytes(directory.resolve(EmbeddedDatabase.FILE)))
                .asString(java.nio.charset.StandardCharsets.ISO_8859_1).doesNotContain(secret.reveal());
    }
}
