package infrastructure.memory;

import contract.ApiKeyRepositoryContract;
import domain.access.ApiKeyRepository;

class InMemoryApiKeyRepositoryTest extends ApiKeyRepositoryContract {

    @Override
    protected ApiKeyRepository newRepository() {
        return new InMemoryApiKeyRepository();
    }
}
