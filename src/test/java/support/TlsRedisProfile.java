package support;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.List;

/** The service on a Redis it reaches over TLS only, trusting the test's own CA. */
public class TlsRedisProfile implements QuarkusTestProfile {

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(TlsRedisResource.class));
    }
}
