package support;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.HashMap;
import java.util.Map;

/** The service on the memory store with Quarkus's HTTP access log on, as operators turn it on. */
public class AccessLogProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        Map<String, String> config = new HashMap<>(new MemoryStoreProfile().getConfigOverrides());
        config.put("quarkus.http.access-log.enabled", "true");
        return config;
    }
}
