package infrastructure.memory;

import contract.RevocationsContract;
import domain.access.Revocations;

class InMemoryRevocationsTest extends RevocationsContract {

    @Override
    protected Revocations newRevocations() {
        return new InMemoryRevocations();
    }
}
