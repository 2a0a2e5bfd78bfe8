package support;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.LinkedHashMap;
import java.util.Map;

/** Export files read back as the tests compare them: numbers exactly as written, cache lines by key. */
public final class ExportFiles {

    /** Reads numbers exactly as written (1.50 stays 1.50), as the export writes them. */
    public static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .setNodeFactory(JsonNodeFactory.withExactBigDecimals(true));

    private ExportFiles() {
    }

    /** The cache lines of an export, by key, in the file's order. */
    public static Map<String, JsonNode> entries(String export) throws Exception {
        Map<String, JsonNode> entries = new LinkedHashMap<>();
        for (String line : export.split("\n")) {
            JsonNode node = JSON.readTree(line);
            if (node.path("type").asText().equals("cache")) {
                entries.put(node.path("key").asText(), node);
            }
        }
        return entries;
    }
}
