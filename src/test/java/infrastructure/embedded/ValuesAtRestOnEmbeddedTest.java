package infrastructure.embedded;

import contract.ValueStore;
import contract.ValuesAtRestContract;

/** The value chain on the embedded store: what its files hold, the database and its write-ahead log, byte by byte. */
class ValuesAtRestOnEmbeddedTest extends ValuesAtRestContract {

    @Override
    protected ValueStore openStore() {
        return new EmbeddedValueStore();
    }
}
