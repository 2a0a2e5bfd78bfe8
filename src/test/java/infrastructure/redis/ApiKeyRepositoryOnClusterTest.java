package infrastructure.redis;

import com.fasterxml.jackson.databind.ObjectMapper;
import contract.ApiKeyRepositoryContract;
import domain.access.ApiKeyRepository;
import java.util.UUID;
import support.SharedCluster;

/** The Redis API key store against the contract, on a Redis Cluster of three masters. */
class ApiKeyRepositoryOnClusterTest extends ApiKeyRepositoryContract {

    @Override
    protected ApiKeyRepository newRepository() {
        return new RedisApiKeyRepository(SharedCluster.dataSource(), "t" + UUID.randomUUID().toString().substring(0, 8), new ObjectMapper());
    }
}
