package infrastructure.embedded;

import contract.KeyRotationContract;
import contract.ValueStore;

/** Key rotation on the embedded store. */
class KeyRotationOnEmbeddedTest extends KeyRotationContract {

    @Override
    protected ValueStore openStore() {
        return new EmbeddedValueStore();
    }
}
