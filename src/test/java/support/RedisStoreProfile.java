package support;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.List;

/** The service on the Redis store, against the test JVM's shared redis-server. */
public class RedisStoreProfile implements QuarkusTestProfile {

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(SharedRedisResource.class));
    }
}
