package infrastructure.memory;

import contract.ProjectKeysetsContract;
import domain.encryption.ProjectKeysets;

/** The in-process keyset store against the contract. */
class InMemoryProjectKeysetsTest extends ProjectKeysetsContract {

    @Override
    protected ProjectKeysets newKeysets() {
        return new InMemoryProjectKeysets();
    }
}
