package infrastructure.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import contract.ProjectKeysetsContract;
import domain.encryption.ProjectKeysets;
import domain.encryption.WrappedKeyset;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import support.EmbeddedDatabases;

/** The embedded keyset store against the contract, plus what a disk adds: keysets kept across a reopening. */
class EmbeddedProjectKeysetsTest extends ProjectKeysetsContract {

    private EmbeddedDatabase db;

    @Override
    protected ProjectKeysets newKeysets() {
        db = EmbeddedDatabases.fresh();
        return new EmbeddedProjectKeysets(db);
    }

    @AfterEach
    void closeDatabase() {
        db.close();
    }

    @Test
    void keepsKeysetsAcrossAReopening() {
        WrappedKeyset shop = await(keysets.createIfAbsent(SHOP, wrapped("kek-a", "shop", 1)));
        Path directory = db.directory();
        db.close();

        db = EmbeddedDatabases.open(directory, EmbeddedDatabases.DEFAULT_MAX_BYTES);
        keysets = new EmbeddedProjectKeysets(db);

        assertThat(await(keysets.find(SHOP))).contains(shop);
    }
}
