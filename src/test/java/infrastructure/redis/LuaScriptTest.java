package infrastructure.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** What the scripts say of themselves holds: a script marked read-only calls only commands that read. */
class LuaScriptTest {

    private static final Path SCRIPTS = Path.of("src/main/resources/lua");
    private static final Pattern ANY_CALL = Pattern.compile("redis\\.p?call\\(");
    private static final Pattern NAMED_CALL = Pattern.compile("redis\\.p?call\\('([A-Za-z]+)'");
    /** Commands that read only; a read-only script that called another would skip the wait for replicas it needs. */
    private static final Set<String> READS = Set.of("GET", "MGET", "EXISTS", "TYPE", "TTL", "PTTL", "HGET", "HMGET", "HGETALL",
            "HEXISTS", "HLEN", "ZRANGE", "ZRANGEBYSCORE", "ZRANGEBYLEX", "ZREVRANGE", "ZSCORE", "ZCOUNT", "ZCARD", "ZLEXCOUNT",
            "XRANGE", "XLEN", "SCARD", "SMEMBERS", "SISMEMBER", "LRANGE", "LLEN");

    private static List<String> scripts() throws IOException {
        try (Stream<Path> files = Files.list(SCRIPTS)) {
            return files.map(file -> file.getFileName().toString()).filter(name -> name.endsWith(".lua") && !name.startsWith("lib_"))
                    .map(name -> name.substring(0, name.length() - ".lua".length())).sorted().toList();
        }
    }

    @Test
    void aScriptMarkedReadOnlyIncludesNoLibraryAndCallsOnlyCommandsThatRead() throws IOException {
        List<String> readOnly = scripts().stream().filter(name -> LuaScript.load(name).readOnly()).toList();

        assertThat(readOnly).contains("cache_read", "cache_entries", "cache_stats", "index_page");
        for (String name : readOnly) {
            String source = Files.readString(SCRIPTS.resolve(name + ".lua"));
            assertThat(source).as(name).doesNotContain("-- #include");
            Matcher named = NAMED_CALL.matcher(source);
            int calls = 0;
            while (named.find()) {
                calls++;
                assertThat(READS).as("%s calls %s", name, named.group(1)).contains(named.group(1).toUpperCase());
            }
            assertThat(ANY_CALL.matcher(source).results().count()).as("%s names every command it calls", name).isEqualTo(calls);
        }
    }

    @Test
    void aScriptThatWritesIsNotReadOnly() {
        assertThat(LuaScript.load("cache_put").readOnly()).isFalse();
        assertThat(LuaScript.load("cache_record").readOnly()).isFalse();
    }
}
