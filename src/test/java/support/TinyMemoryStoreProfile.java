package support;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.HashMap;
import java.util.Map;

/** The memory store with room for three cache entries over all projects, so that eviction shows. */
public class TinyMemoryStoreProfile implements QuarkusTestProfile {

    public static final int MAX_ENTRIES = 3;

    @Override
    public Map<String, String> getConfigOverrides() {
        Map<String, String> config = new HashMap<>(new MemoryStoreProfile().getConfigOverrides());
        config.put("cache-domain.memory.max-entries", Integer.toString(MAX_ENTRIES));
        return config;
    }
}
