package deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.luben.zstd.Zstd;
import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.domain.JavaType;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What the native image needs declared, and GraalVM's builder cannot find by itself, is declared: the JSON records
 * Jackson maps by reflection (and what they hold), the resources read by name, the classes whose static state must be
 * made at start, zstd's calls from C back into Java, and the dynamic proxies. There is no GraalVM where these tests
 * run: they check the declarations against the code and the libraries, so that a new script, record or static
 * SecureRandom without its declaration fails here rather than in a native build.
 */
class NativeImageDeclarationsTest {

    private static final Path DECLARATIONS = Path.of("src/main/resources/META-INF/native-image/dev.cachedomain/cache-domain");
    private static JavaClasses production;
    private static Properties application;

    @BeforeAll
    static void read() throws IOException {
        production = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("domain", "application", "infrastructure", "cli");
        application = new Properties();
        try (var reader = Files.newBufferedReader(Path.of("src/main/resources/application.properties"))) {
            application.load(reader);
        }
    }

    private static List<String> listed(String property) {
        return Arrays.stream(application.getProperty(property, "").split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    private static boolean mapsJson(JavaClass type) {
        return type.getAllFields().stream().anyMatch(field -> field.getRawType().isAssignableTo(ObjectMapper.class));
    }

    /**
     * Records of the JSON edge that are working state shared within its package, never written or read as JSON: a
     * page cut from a list (its items are what gets written), and an event stream's delivery timer.
     */
    private static final Set<String> NOT_JSON = Set.of("infrastructure.rest.Paging$Slice", "infrastructure.rest.SseWriter$Lag");
    /** Types Jackson reads with a deserializer of our own (JsonRules' module), never by reflection. */
    private static final Set<String> READ_BY_OUR_OWN = Set.of("domain.cache.KeyMaterial");

    /**
     * The records Jackson maps: those the JSON edge (infrastructure.rest) shows beyond its own class, and those nested
     * in a class that maps JSON. A private record is a class's own working state, never a JSON shape.
     */
    private static final DescribedPredicate<JavaClass> JSON_RECORDS = DescribedPredicate.describe(
            "records at the JSON edge (infrastructure.rest) or nested in a class that maps JSON, not private",
            type -> type.isRecord() && !type.getModifiers().contains(JavaModifier.PRIVATE) && !NOT_JSON.contains(type.getName())
                    && (type.getPackageName().startsWith("infrastructure.rest")
                    || type.getEnclosingClass().map(NativeImageDeclarationsTest::mapsJson).orElse(false)));

    /** What {@code @RegisterForReflection} registers: the annotated class, or the classes it names instead. */
    private static Set<String> registered() {
        Set<String> names = new TreeSet<>();
        for (JavaClass type : production) {
            type.tryGetAnnotationOfType(RegisterForReflection.class).ifPresent(registration -> {
                if (registration.targets().length == 0 && registration.classNames().length == 0) {
                    names.add(type.getName());
                }
                Arrays.stream(registration.targets()).forEach(target -> names.add(target.getName()));
                names.addAll(List.of(registration.classNames()));
            });
        }
        return names;
    }

    @Test
    void everyRecordJacksonMapsIsRegisteredForReflection() {
        Set<String> registered = registered();
        List<String> records = production.that(JSON_RECORDS).stream().map(JavaClass::getName).toList();

        // Jackson reads and writes records by reflection, and an answer built as a Response names no type Quarkus
        // could register by itself.
        assertThat(records).hasSizeGreaterThan(80).allSatisfy(name -> assertThat(registered).as("%s is registered", name)
                .contains(name));
    }

    @Test
    void whatARegisteredRecordHoldsNeedsNoRegistrationOrIsRegistered() {
        Set<String> registered = registered();
        List<String> unregistered = new ArrayList<>();
        for (JavaClass record : production.that(JSON_RECORDS)) {
            for (JavaField component : record.getFields()) {
                if (component.getModifiers().contains(JavaModifier.STATIC)) {
                    continue;
                }
                for (JavaClass held : involved(component.getType())) {
                    boolean plain = held.isPrimitive() || held.isArray() || held.getPackageName().startsWith("java.")
                            || held.getPackageName().startsWith("com.fasterxml.");
                    if (!plain && !registered.contains(held.getName()) && !READ_BY_OUR_OWN.contains(held.getName())) {
                        unregistered.add(record.getName() + "." + component.getName() + ": " + held.getName());
                    }
                }
            }
        }
        assertThat(unregistered).as("types Jackson would reach by reflection inside a registered record").isEmpty();
    }

    /** The raw type and every type argument, at any depth ({@code List<Map<String, X>>} gives List, Map, String, X). */
    private static Set<JavaClass> involved(JavaType type) {
        Set<JavaClass> classes = new HashSet<>(type.getAllInvolvedRawTypes());
        classes.add(type.toErasure());
        return classes;
    }

    /** The classes and packages initialised at start rather than while the image is built. */
    private static List<String> initialisedAtStart() {
        List<String> atStart = new ArrayList<>();
        for (String argument : listed("quarkus.native.additional-build-args")) {
            if (argument.startsWith("--initialize-at-run-time=")) {
                atStart.addAll(List.of(argument.substring("--initialize-at-run-time=".length()).split(",")));
            }
        }
        return atStart;
    }

    /** A class or package name given to {@code --initialize-at-run-time} covers the class, or the package's classes. */
    private static boolean atStart(List<String> atStart, String name) {
        return atStart.stream().anyMatch(prefix -> name.equals(prefix) || name.startsWith(prefix + "."));
    }

    /**
     * What running {@code type}'s static initialiser reaches: the classes initialised at start that it calls or whose
     * fields it touches, following calls (and the static initialisers of the classes it uses) through our own code.
     * A method reference is not followed: making one runs nothing.
     */
    private static List<String> reachedAtStart(JavaClass type, List<String> atStart) {
        List<String> reached = new ArrayList<>();
        java.util.ArrayDeque<com.tngtech.archunit.core.domain.JavaCodeUnit> todo = new java.util.ArrayDeque<>();
        Set<String> seen = new HashSet<>();
        type.getStaticInitializer().ifPresent(todo::add);
        while (!todo.isEmpty()) {
            com.tngtech.archunit.core.domain.JavaCodeUnit unit = todo.poll();
            if (!seen.add(unit.getFullName())) {
                continue;
            }
            List<com.tngtech.archunit.core.domain.JavaAccess<?>> accesses = new ArrayList<>(unit.getCallsFromSelf());
            accesses.addAll(unit.getFieldAccesses());
            for (var access : accesses) {
                JavaClass owner = access.getTargetOwner();
                if (atStart(atStart, owner.getName())) {
                    reached.add(unit.getFullName() + " -> " + access.getTarget().getFullName());
                } else if (production.contain(owner.getName())) {
                    JavaClass ours = production.get(owner.getName());
                    ours.getStaticInitializer().ifPresent(todo::add);
                    if (access instanceof com.tngtech.archunit.core.domain.JavaCall<?> call) {
                        call.getTarget().resolveMember().ifPresent(todo::add);
                    }
                }
            }
        }
        return reached;
    }

    @Test
    void aClassWhoseStaticInitialiserReachesWhatStartsAtRunTimeStartsAtRunTimeToo() {
        List<String> atStart = initialisedAtStart();
        List<String> conflicts = new ArrayList<>();
        for (JavaClass type : production) {
            if (!atStart(atStart, type.getName())) {
                conflicts.addAll(reachedAtStart(type, atStart));
            }
        }
        // Without the value chain in the list, ProjectKeyrings' static registration of Tink's AEAD configuration is one.
        List<String> withoutValues = atStart.stream().filter(name -> !name.equals("infrastructure.values")).toList();
        assertThat(reachedAtStart(production.get("infrastructure.values.ProjectKeyrings"), withoutValues))
                .anySatisfy(access -> assertThat(access).contains("com.google.crypto.tink.aead.AeadConfig.register()"));

        // GraalVM stops the build when a class meant for run time is initialised while building: Quarkus builds every
        // other class's static state into the image, running its static initialiser there.
        assertThat(conflicts).as("static initialisers, run while building, that reach classes initialised at start").isEmpty();
    }

    @Test
    void everyClassWithARandomInAStaticFieldIsInitialisedAtStart() {
        List<String> atStart = initialisedAtStart();
        List<String> seeded = production.stream()
                .filter(type -> type.getFields().stream().anyMatch(field -> field.getModifiers().contains(JavaModifier.STATIC)
                        && field.getRawType().isAssignableTo(java.util.Random.class)))
                .map(JavaClass::getName).toList();

        assertThat(seeded).as("classes holding a Random in a static field").isNotEmpty();
        assertThat(seeded).allSatisfy(name -> assertThat(atStart(atStart, name)).as("%s: a seed made while building the image is in every"
                + " copy of it", name).isTrue());
        // zstd-jni loads its native library in a static initialiser; Tink keeps random sources and registries.
        assertThat(atStart).contains("com.github.luben.zstd", "com.google.crypto.tink");
    }

    /** A Quarkus resource glob as a regular expression: {@code *} within a directory, {@code **} across. */
    private static Pattern glob(String glob) {
        return Pattern.compile(Pattern.quote(glob).replace("**", "\\E.*\\Q").replace("*", "\\E[^/]*\\Q"));
    }

    private static boolean inTheImage(String resource) {
        return listed("quarkus.native.resources.includes").stream().anyMatch(glob -> glob(glob).matcher(resource).matches());
    }

    @Test
    void everyResourceReadByNameIsInTheImage() throws IOException {
        Path resources = Path.of("src/main/resources");
        List<String> scripts;
        try (Stream<Path> files = Files.walk(resources.resolve("lua"))) {
            scripts = files.filter(Files::isRegularFile).map(file -> resources.relativize(file).toString()).toList();
        }
        List<String> zstdLibraries = zstdJarEntries().stream()
                .filter(entry -> entry.matches("linux/(amd64|aarch64)/libzstd-jni-.*\\.so")).toList();

        assertThat(scripts).hasSizeGreaterThan(10).allSatisfy(script -> assertThat(inTheImage(script)).as(script).isTrue());
        assertThat(zstdLibraries).hasSize(2).allSatisfy(library -> assertThat(inTheImage(library)).as(library).isTrue());
        assertThat(inTheImage("lua/none.txt")).isFalse();
    }

    private static List<String> zstdJarEntries() throws IOException {
        try (JarFile jar = new JarFile(Zstd.class.getProtectionDomain().getCodeSource().getLocation().getPath())) {
            return jar.stream().map(entry -> entry.getName()).toList();
        }
    }

    /** The strings in zstd's native library for linux/amd64: the class and field names it looks up through JNI among them. */
    private static Set<String> zstdLibraryStrings() throws IOException {
        String library = zstdJarEntries().stream().filter(entry -> entry.matches("linux/amd64/libzstd-jni-.*\\.so")).findFirst()
                .orElseThrow();
        byte[] bytes;
        try (InputStream in = Zstd.class.getResourceAsStream("/" + library)) {
            bytes = in.readAllBytes();
        }
        Set<String> strings = new TreeSet<>();
        ByteArrayOutputStream current = new ByteArrayOutputStream();
        for (byte b : bytes) {
            if (b >= 0x20 && b < 0x7f) {
                current.write(b);
            } else {
                if (b == 0 && current.size() >= 3) {
                    strings.add(current.toString());
                }
                current.reset();
            }
        }
        return strings;
    }

    @Test
    void whatZstdsNativeLibraryLooksUpInJavaIsDeclaredForJni() throws Exception {
        JsonNode declared = new ObjectMapper().readTree(DECLARATIONS.resolve("jni-config.json").toFile());
        Set<String> declaredClasses = new TreeSet<>();
        Set<String> declaredFields = new TreeSet<>();
        declared.forEach(type -> {
            declaredClasses.add(type.get("name").asText());
            type.path("fields").forEach(field -> declaredFields.add(type.get("name").asText() + "." + field.get("name").asText()));
        });
        Set<String> strings = zstdLibraryStrings();
        Set<String> looked = new TreeSet<>();
        Set<String> fields = new TreeSet<>();
        for (String entry : zstdJarEntries()) {
            if (!entry.startsWith("com/github/luben/zstd/") || !entry.endsWith(".class") || entry.contains("$")) {
                continue;
            }
            Class<?> type = Class.forName(entry.replace('/', '.').replace(".class", ""), false, Zstd.class.getClassLoader());
            if (strings.contains(entry.replace(".class", ""))) {
                looked.add(type.getName());
            }
            for (var field : type.getDeclaredFields()) {
                // Fields the C code reads or writes: private instance longs (native pointers, buffer positions).
                if (field.getType() == long.class && !Modifier.isStatic(field.getModifiers()) && strings.contains(field.getName())) {
                    fields.add(type.getName() + "." + field.getName());
                }
            }
        }

        assertThat(fields).contains("com.github.luben.zstd.ZstdCompressCtx.nativePtr", "com.github.luben.zstd.ZstdDecompressCtx.nativePtr");
        assertThat(declaredFields).containsAll(fields);
        assertThat(declaredClasses).containsAll(looked).contains("com.github.luben.zstd.ZstdFrameProgression");
    }

    @Test
    void theDynamicProxiesAreDeclared() throws IOException {
        JsonNode declared = new ObjectMapper().readTree(DECLARATIONS.resolve("proxy-config.json").toFile());
        List<String> proxies = new ArrayList<>();
        declared.forEach(proxy -> proxies.add(proxy.get("interfaces").toString()));
        Set<String> makers = new TreeSet<>();
        production.forEach(type -> type.getMethodCallsFromSelf().stream()
                .filter(call -> call.getTargetOwner().isEquivalentTo(java.lang.reflect.Proxy.class)
                        && call.getName().equals("newProxyInstance"))
                .forEach(call -> makers.add(type.getName())));

        // A new proxy elsewhere fails here: declare its interfaces in proxy-config.json, then add its maker.
        assertThat(makers).containsExactly("infrastructure.embedded.StatementCache");
        assertThat(proxies).containsExactlyInAnyOrder("[\"java.sql.Connection\"]", "[\"java.sql.PreparedStatement\"]");
    }

    @Test
    void theTinkMessagesRegisteredForReflectionExist() throws Exception {
        RegisterForReflection registered = infrastructure.values.ProjectKeyrings.class.getAnnotation(RegisterForReflection.class);

        assertThat(registered.classNames()).contains("com.google.crypto.tink.proto.Keyset", "com.google.crypto.tink.proto.AesGcmKey");
        for (String name : registered.classNames()) {
            assertThat(Class.forName(name, false, getClass().getClassLoader())).as(name).isNotNull();
        }
    }
}
