package infrastructure.memory;

import contract.KeyRotationContract;
import contract.ValueStore;

/** Key rotation on the in-process store. */
class KeyRotationInMemoryTest extends KeyRotationContract {

    @Override
    protected ValueStore openStore() {
        return new InMemoryValueStore();
    }

    /** Nothing to resume: the memory store does not survive a restart, and neither do its rotations. */
    @Override
    protected void resumesARotationThatARestartInterrupted() {
    }
}
