package deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The service's settings as the deployment files may name them. */
final class Settings {

    /**
     * Variables the JVM image's launcher reads, not the service. Not JAVA_OPTS_APPEND: the image sets it, and setting
     * it again would replace its flags; nor JAVA_MAX_MEM_RATIO, which those flags override.
     */
    static final Set<String> IMAGE_VARIABLES = Set.of("GC_CONTAINER_OPTIONS");

    private Settings() {
    }

    /** Every name and alias of the README's configuration table, which lists every setting of the service. */
    static Set<String> documented() throws IOException {
        Set<String> names = new TreeSet<>();
        Pattern row = Pattern.compile("^\\| `([A-Z0-9_]+)` \\|.*\\|([^|]*)\\|\\s*$");
        Pattern alias = Pattern.compile("`([A-Z0-9_]+)`");
        for (String line : Files.readAllLines(Path.of("README.md"))) {
            Matcher setting = row.matcher(line);
            if (setting.matches()) {
                names.add(setting.group(1));
                Matcher aliases = alias.matcher(setting.group(2));
                while (aliases.find()) {
                    names.add(aliases.group(1));
                }
            }
        }
        assertThat(names).contains("CACHE_DOMAIN_STORE", "REDIS_URL");
        return names;
    }

    /** True when the variable is a setting of the service or of its image. */
    static boolean known(Set<String> documented, String name) {
        return documented.contains(name) || IMAGE_VARIABLES.contains(name);
    }
}
