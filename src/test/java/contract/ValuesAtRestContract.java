package contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static support.StoredSessions.created;
import static support.StoredSessions.userDataOf;

import domain.StoreUnavailableException;
import domain.cache.CacheEntry;
import domain.cache.CacheKey;
import domain.cache.CacheRepository;
import domain.cache.CacheWrite;
import domain.cache.Precondition;
import domain.cache.Ttl;
import domain.encryption.KeysetOwner;
import domain.encryption.ProjectKeysets;
import domain.encryption.ValueFormat;
import domain.project.ProjectId;
import domain.session.SessionId;
import domain.session.SessionPolicy;
import domain.session.SessionRepository;
import domain.session.SessionToken;
import domain.session.UserId;
import domain.session.UserSession;
import infrastructure.values.ProjectKeyrings;
import infrastructure.values.ValueCodec;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smallrye.mutiny.Uni;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import support.ValueCodecs;

/**
 * What every store that keeps values at rest must show of the value chain: no byte of an encrypted
 * value in the store, ciphertexts bound to their project and key, values of every setting read side
 * by side, shredded projects unreadable; the same for sessions' user data. Run against each store with a disk or a server; the
 * in-process store keeps nothing at rest.
 */
public abstract class ValuesAtRestContract {

    protected static final ProjectId SHOP = ProjectId.of("shop");
    protected static final ProjectId BLOG = ProjectId.of("blog");
    private static final ValueFormat TEXT = new ValueFormat(false, 3, 1024, false);
    private static final ValueFormat COMPRESSED = new ValueFormat(true, 3, 0, false);
    private static final ValueFormat ENCRYPTED = new ValueFormat(false, 3, 1024, true);
    private static final ValueFormat BOTH = new ValueFormat(true, 3, 0, true);

    protected final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final String kek = ValueCodecs.randomKek();
    private ProjectKeysets keysets;

    /** A fresh, empty store for this test. */
    protected abstract ValueStore openStore();

    private ValueStore store;

    @BeforeEach
    void open() {
        store = openStore();
        keysets = store.keysets();
    }

    @AfterEach
    void close() {
        store.close();
    }

    private CacheRepository cacheOn(ValueCodec values) {
        return store.cacheOn(values);
    }

    private byte[] storedValue(ProjectId project, String key) {
        return store.storedValue(project, key);
    }

    private void overwriteStoredValue(ProjectId project, String key, byte[] stored) {
        store.overwriteStoredValue(project, key, stored);
    }

    private boolean storeContains(byte[] needle) {
        return store.storeContains(needle);
    }

    protected static <T> T await(Uni<T> uni) {
        return uni.await().atMost(Duration.ofSeconds(30));
    }

    private ValueCodec codec(ValueFormat format) {
        return codec(format, kek);
    }

    private ValueCodec codec(ValueFormat format, String kekBase64) {
        ProjectKeyrings keyrings = ValueCodecs.keyrings(keysets, kekBase64);
        return new ValueCodec(project -> format, keyrings, 1 << 24, meters);
    }

    private static CacheWrite json(String value) {
        return new CacheWrite(value, Ttl.ofSeconds(3600), java.util.Set.of(), Precondition.always());
    }

    private static Optional<String> valueOf(CacheRepository cache, ProjectId project, String key) {
        return await(cache.find(project, CacheKey.of(key))).map(CacheEntry::value);
    }

    private double unreadable() {
        return meters.find("values.unreadable").counters().stream().mapToDouble(c -> c.count()).sum();
    }

    private double unreadable(String reason) {
        return meters.get("values.unreadable").tag("reason", reason).counter().count();
    }

    /** A JSON text of about {@code size} bytes around a marker, varied enough that compression alone does not hide it. */
    private static String document(String marker, int size) {
        StringBuilder text = new StringBuilder("{\"secret\":\"" + marker + "\",\"lines\":[");
        for (int i = 0; text.length() < size; i++) {
            text.append(i == 0 ? "" : ",").append("\"line ").append(i).append(' ').append(marker).append(' ')
                    .append(Integer.toHexString(i * 7919)).append('"');
        }
        return text.append("]}").toString();
    }

    @Test
    void keepsNoByteOfAnEncryptedValueInTheStore() {
        String marker = "plain-" + UUID.randomUUID();
        CacheRepository cache = cacheOn(codec(BOTH));
        String small = "\"" + marker + "\"";
        String large = document(marker, 10_000);

        await(cache.put(SHOP, CacheKey.of("small"), json(small)));
        await(cache.put(SHOP, CacheKey.of("large"), json(large)));

        assertThat(valueOf(cache, SHOP, "small")).contains(small);
        assertThat(valueOf(cache, SHOP, "large")).contains(large);
        assertThat(storeContains(marker.getBytes(StandardCharsets.UTF_8))).isFalse();

        String control = "control-" + UUID.randomUUID();
        await(cacheOn(codec(TEXT)).put(BLOG, CacheKey.of("control"), json("\"" + control + "\"")));
        assertThat(storeContains(control.getBytes(StandardCharsets.UTF_8))).as("the scan sees a value kept as text").isTrue();
    }

    @Test
    void readsACiphertextCopiedToAnotherKeyOfItsProjectAsAMissAndCountsIt() {
        CacheRepository cache = cacheOn(codec(ENCRYPTED));
        await(cache.put(SHOP, CacheKey.of("alice"), json("{\"role\":\"admin\"}")));
        await(cache.put(SHOP, CacheKey.of("mallory"), json("{\"role\":\"guest\"}")));

        overwriteStoredValue(SHOP, "mallory", storedValue(SHOP, "alice"));

        assertThat(valueOf(cacheOn(codec(ENCRYPTED)), SHOP, "mallory")).isEmpty();
        assertThat(unreadable("not-authentic")).isEqualTo(1);
        assertThat(valueOf(cache, SHOP, "alice")).as("the original still reads").contains("{\"role\":\"admin\"}");
    }

    @Test
    void readsACiphertextCopiedToAnotherProjectAsAMissAndCountsIt() {
        CacheRepository cache = cacheOn(codec(ENCRYPTED));
        await(cache.put(SHOP, CacheKey.of("token"), json("\"shop's secret\"")));
        await(cache.put(BLOG, CacheKey.of("token"), json("\"blog's own\"")));

        overwriteStoredValue(BLOG, "token", storedValue(SHOP, "token"));

        assertThat(valueOf(cache, BLOG, "token")).isEmpty();
        assertThat(unreadable()).isEqualTo(1);
    }

    @Test
    void readsAChangedCiphertextAsAMiss() {
        CacheRepository cache = cacheOn(codec(BOTH));
        await(cache.put(SHOP, CacheKey.of("k"), json(document("m", 4_000))));
        byte[] stored = storedValue(SHOP, "k");
        stored[stored.length / 2] ^= 0x01;

        overwriteStoredValue(SHOP, "k", stored);

        assertThat(valueOf(cache, SHOP, "k")).isEmpty();
        assertThat(unreadable("not-authentic")).isEqualTo(1);
    }

    @Test
    void readsValuesWrittenUnderEverySettingSideBySide() {
        List<ValueFormat> formats = List.of(TEXT, COMPRESSED, ENCRYPTED, BOTH);
        String value = document("mixed", 3_000);
        for (int i = 0; i < formats.size(); i++) {
            await(cacheOn(codec(formats.get(i))).put(SHOP, CacheKey.of("k" + i), json(value)));
        }

        assertThat(new String(storedValue(SHOP, "k0"), StandardCharsets.UTF_8)).as("as text, as before the chain existed")
                .isEqualTo(value);
        assertThat(ValueCodec.isCompressed(storedValue(SHOP, "k1"))).isTrue();
        assertThat(ValueCodec.keyIdOf(storedValue(SHOP, "k1"))).isEmpty();
        assertThat(ValueCodec.keyIdOf(storedValue(SHOP, "k2"))).isPresent();
        assertThat(ValueCodec.isCompressed(storedValue(SHOP, "k2"))).isFalse();
        assertThat(ValueCodec.keyIdOf(storedValue(SHOP, "k3"))).isPresent();
        assertThat(ValueCodec.isCompressed(storedValue(SHOP, "k3"))).isTrue();
        assertThat(storedValue(SHOP, "k3").length).as("compressed before encrypted").isLessThan(value.length() / 2);
        for (ValueFormat reader : formats) {
            CacheRepository cache = cacheOn(codec(reader));
            for (int i = 0; i < formats.size(); i++) {
                assertThat(valueOf(cache, SHOP, "k" + i)).as("written as %s, read by %s", formats.get(i), reader).contains(value);
            }
        }
        assertThat(unreadable()).isZero();
    }

    @Test
    void readsAShreddedProjectsCiphertextsAsMisses() {
        await(cacheOn(codec(ENCRYPTED)).put(SHOP, CacheKey.of("k"), json("\"gone\"")));
        await(cacheOn(codec(ENCRYPTED)).put(BLOG, CacheKey.of("k"), json("\"kept\"")));

        assertThat(await(keysets.destroy(KeysetOwner.of(SHOP)))).isTrue();

        CacheRepository restarted = cacheOn(codec(ENCRYPTED));
        assertThat(valueOf(restarted, SHOP, "k")).isEmpty();
        assertThat(unreadable("no-keyset")).isEqualTo(1);
        assertThat(valueOf(restarted, BLOG, "k")).contains("\"kept\"");
    }

    @Test
    void sharesOneKeysetPerProjectBetweenInstancesThatStartEncryptingAtOnce() {
        CacheRepository one = cacheOn(codec(ENCRYPTED));
        CacheRepository two = cacheOn(codec(ENCRYPTED));

        await(Uni.join().all(one.put(SHOP, CacheKey.of("from-one"), json("1")), two.put(SHOP, CacheKey.of("from-two"), json("2")))
                .andFailFast());

        assertThat(valueOf(two, SHOP, "from-one")).contains("1");
        assertThat(valueOf(one, SHOP, "from-two")).contains("2");
        assertThat(ValueCodec.keyIdOf(storedValue(SHOP, "from-one"))).isEqualTo(ValueCodec.keyIdOf(storedValue(SHOP, "from-two")));
    }

    @Test
    void namesTheEntriesAPageOfWholeEntriesCannotReadAndServesTheOthers() {
        CacheRepository cache = cacheOn(codec(ENCRYPTED));
        await(cache.put(SHOP, CacheKey.of("a"), json("\"kept\"")));
        await(cache.put(SHOP, CacheKey.of("b"), json("\"changed\"")));
        byte[] stored = storedValue(SHOP, "b");
        stored[stored.length - 1] ^= 1;
        overwriteStoredValue(SHOP, "b", stored);

        domain.cache.EntryPage page = await(cache.entries(SHOP, Optional.empty(), domain.cache.PageSize.of(10), Long.MAX_VALUE));

        assertThat(page.entries()).extracting(CacheEntry::value).containsExactly("\"kept\"");
        assertThat(page.unreadable()).containsExactly(CacheKey.of("b"));
        assertThat(unreadable("not-authentic")).isEqualTo(1);
    }

    @Test
    void refusesToWriteAndReadsAsMissesWithAnotherKeyEncryptionKey() {
        await(cacheOn(codec(ENCRYPTED)).put(SHOP, CacheKey.of("k"), json("\"first\"")));
        byte[] before = storedValue(SHOP, "k");
        CacheRepository wrongKey = cacheOn(codec(ENCRYPTED, ValueCodecs.randomKek()));

        assertThatThrownBy(() -> await(wrongKey.put(SHOP, CacheKey.of("k"), json("\"second\""))))
                .isInstanceOf(StoreUnavailableException.class).hasMessageContaining("key-encryption key");
        assertThat(storedValue(SHOP, "k")).as("nothing written, in clear or otherwise").isEqualTo(before);
        assertThat(valueOf(wrongKey, SHOP, "k")).isEmpty();
        assertThat(unreadable("keyset-unreadable")).isEqualTo(1);
        assertThat(storeContains("second".getBytes(StandardCharsets.UTF_8))).isFalse();
    }

    // --- sessions: their user data crosses the same chain, under the sessions' own keyset

    private static final UserId ADA = UserId.of("ada");

    private static final AtomicLong LAST_OPENED_MILLIS = new AtomicLong();

    /**
     * A session of Ada with {@code userData}, opened now, not yet stored. Each one opens at least a millisecond after the
     * one before, so that "oldest first" orders them as they were made (two sessions opened in one millisecond have no
     * order the store promises).
     */
    private static SessionPolicy.Opened sessionWith(String userData) {
        SessionId id = SessionId.newFor(ADA);
        Instant now = Instant.ofEpochMilli(LAST_OPENED_MILLIS.updateAndGet(last -> Math.max(last + 1, System.currentTimeMillis())));
        UserSession session = new UserSession(id, ADA, userData, Set.of(SHOP), now, now, Duration.ofHours(1), now.plus(Duration.ofHours(8)));
        return new SessionPolicy.Opened(session, SessionToken.issue(id));
    }

    @Test
    void keepsNoByteOfAnEncryptedSessionsUserDataInTheStore() {
        String marker = "plain-" + UUID.randomUUID();
        SessionRepository sessions = store.sessionsOn(codec(BOTH));
        SessionPolicy.Opened small = created(sessions, sessionWith("{\"email\":\"" + marker + "\"}"));
        SessionPolicy.Opened large = created(sessions, sessionWith(document(marker, 8_000)));

        assertThat(userDataOf(sessions, small)).contains(small.session().userData());
        assertThat(userDataOf(sessions, large)).contains(large.session().userData());
        assertThat(await(sessions.findByUser(ADA))).extracting(UserSession::userData)
                .containsExactly(small.session().userData(), large.session().userData());
        assertThat(storeContains(marker.getBytes(StandardCharsets.UTF_8))).isFalse();

        String control = "control-" + UUID.randomUUID();
        created(store.sessionsOn(codec(TEXT)), sessionWith("{\"email\":\"" + control + "\"}"));
        assertThat(storeContains(control.getBytes(StandardCharsets.UTF_8))).as("the scan sees user data kept as text").isTrue();
    }

    @Test
    void opensNoSessionWhoseUserDataWasCopiedFromAnotherYetLetsItBeRevokedAndCountsIt() {
        SessionRepository sessions = store.sessionsOn(codec(ENCRYPTED));
        SessionPolicy.Opened user = created(sessions, sessionWith("{\"role\":\"user\"}"));
        SessionPolicy.Opened admin = created(sessions, sessionWith("{\"role\":\"admin\"}"));

        store.overwriteStoredUserData(user.session().id(), store.storedUserData(admin.session().id()));

        assertThat(userDataOf(sessions, user)).as("fails closed: the token opens nothing").isEmpty();
        assertThat(userDataOf(sessions, admin)).contains("{\"role\":\"admin\"}");
        assertThat(await(sessions.find(user.session().id()))).as("still there to manage, its user data withheld")
                .map(UserSession::userData).contains("null");
        assertThat(await(sessions.findByUser(ADA))).extracting(UserSession::userData)
                .containsExactly("null", "{\"role\":\"admin\"}");
        assertThat(unreadable("not-authentic")).isEqualTo(3);
        assertThat(await(sessions.revoke(user.session().id()))).isTrue();
        assertThat(await(sessions.find(user.session().id()))).isEmpty();
    }

    @Test
    void readsSessionsUserDataWrittenUnderEverySettingSideBySide() {
        String large = document("side-by-side", 6_000);
        SessionPolicy.Opened text = created(store.sessionsOn(codec(TEXT)), sessionWith(large));
        SessionPolicy.Opened compressed = created(store.sessionsOn(codec(COMPRESSED)), sessionWith(large));
        SessionPolicy.Opened both = created(store.sessionsOn(codec(BOTH)), sessionWith(large));
        SessionPolicy.Opened tiny = created(store.sessionsOn(codec(COMPRESSED)), sessionWith("{}"));

        assertThat(store.storedUserData(text.session().id())).isEqualTo(large);
        assertThat(store.storedUserData(compressed.session().id())).startsWith("\u0001").hasSizeLessThan(large.length() / 2);
        assertThat(store.storedUserData(tiny.session().id())).as("kept as text where base64 would not be shorter").isEqualTo("{}");
        SessionRepository reader = store.sessionsOn(codec(ENCRYPTED));
        for (SessionPolicy.Opened each : List.of(text, compressed, both)) {
            assertThat(userDataOf(reader, each)).contains(large);
        }
        assertThat(userDataOf(reader, tiny)).contains("{}");
        assertThat(unreadable()).isZero();
    }
}
