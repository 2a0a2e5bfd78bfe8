package contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static support.StoredSessions.created;
import static support.StoredSessions.userDataOf;

import application.AccessDeniedException;
import application.EncryptionService;
import domain.access.Principal;
import domain.access.ProjectAccess;
import domain.access.Scope;
import domain.cache.CacheEntry;
import domain.cache.CacheKey;
import domain.cache.CacheRepository;
import domain.cache.CacheWrite;
import domain.cache.Precondition;
import domain.cache.Ttl;
import domain.encryption.KeyRotation;
import domain.encryption.KeysetOwner;
import domain.session.SessionPolicy;
import domain.session.SessionRepository;
import domain.session.UserId;
import domain.session.UserSession;
import domain.encryption.KeysetInfo;
import domain.encryption.ProjectKeysets;
import domain.progress.ProgressPolicy;
import domain.progress.ProgressRepository;
import domain.project.ProjectId;
import infrastructure.memory.InMemoryProgressRepository;
import infrastructure.values.ProjectKeyrings;
import infrastructure.values.ValueCodec;
import domain.encryption.ValueFormat;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smallrye.mutiny.Uni;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import support.ValueCodecs;

/**
 * What a key rotation must do on every store: re-encrypt every stored value under the new key while
 * clients keep writing and reading, lose no write, serve every read right, disable the older keys,
 * and finish after a restart that interrupted it.
 */
public abstract class KeyRotationContract {

    protected static final ProjectId SHOP = ProjectId.of("shop");
    private static final ValueFormat ENCRYPTED = new ValueFormat(true, 3, 1024, true);
    private static final ValueFormat TEXT = new ValueFormat(false, 3, 1024, false);
    private static final Principal ADMIN = new Principal("operator", ProjectAccess.all(), Set.of(Scope.ADMIN));
    /** Short, so that a rotation's wait for other instances (this plus a margin) stays short too. */
    private static final Duration REFRESH = Duration.ofMillis(100);
    private static final int ENTRIES = 400;
    /** Sessions live at most 2 s here: how long a rotation of the sessions' keys keeps the older ones. */
    private static final SessionPolicy SESSION_POLICY = new SessionPolicy(Duration.ofSeconds(1), Duration.ofSeconds(2),
            Duration.ofSeconds(1), Duration.ofSeconds(2), 0, 16_384, 16);
    private static final int CLIENTS = 8;

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final String kek = ValueCodecs.randomKek();
    private final ProgressRepository progress = new InMemoryProgressRepository(Clock.systemUTC(),
            new ProgressRepository.Retention(1000, Duration.ofHours(1)));
    private final ProgressPolicy progressPolicy = new ProgressPolicy(1_000_000, 1_000, 1_000, Duration.ofHours(1),
            Duration.ofMinutes(5));
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

    private static <T> T await(Uni<T> uni) {
        return uni.await().atMost(Duration.ofSeconds(30));
    }

    /** One instance of the service: its keys, its value chain, its cache, its rotations. */
    private final class Instance {
        final ProjectKeyrings keys = ValueCodecs.keyrings(keysets, kek, REFRESH);
        final ValueCodec values;
        final CacheRepository cache;
        final EncryptionService encryption;

        /** How values are written now: a setting that may change while the instance runs. */
        final java.util.concurrent.atomic.AtomicReference<ValueFormat> format;

        Instance(ValueFormat format) {
            this.format = new java.util.concurrent.atomic.AtomicReference<>(format);
            values = new ValueCodec(owner -> this.format.get(), keys, 1 << 24, meters);
            cache = store.cacheOn(values);
            encryption = new EncryptionService(keys, cache, progress, progressPolicy, SESSION_POLICY, Clock.systemUTC());
        }

        void put(String key, String value) {
            await(cache.put(SHOP, CacheKey.of(key), new CacheWrite(value, Ttl.ofSeconds(3600), Set.of(), Precondition.always())));
        }

        Optional<String> get(String key) {
            return await(cache.find(SHOP, CacheKey.of(key))).map(CacheEntry::value);
        }

        KeyRotation finished() {
            Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
                    .until(() -> await(keys.rotations()).stream().anyMatch(KeyRotation::finished));
            return await(keys.rotations()).get(0);
        }
    }

    private static String value(int entry, int generation) {
        return "{\"entry\":" + entry + ",\"generation\":" + generation + ",\"pad\":\"" + "abcdefghij".repeat(entry % 7) + "\"}";
    }

    private void assertEveryValueUnder(Instance instance, int keyId, Map<Integer, String> expected) {
        for (Map.Entry<Integer, String> e : expected.entrySet()) {
            assertThat(instance.get("k" + e.getKey())).as("entry %d", e.getKey()).contains(e.getValue());
            assertThat(ValueCodec.keyIdOf(store.storedValue(SHOP, "k" + e.getKey())))
                    .as("entry %d is stored under the new key", e.getKey()).hasValue(keyId);
        }
    }

    @Test
    void reEncryptsEveryValueWhileEightClientsWriteAndReadAndLosesNoWrite() throws Exception {
        Instance service = new Instance(ENCRYPTED);
        Map<Integer, String> latest = new ConcurrentHashMap<>();
        for (int i = 0; i < ENTRIES; i++) {
            service.put("k" + i, value(i, 0));
            latest.put(i, value(i, 0));
        }
        int oldKey = await(service.keys.describe(KeysetOwner.of(SHOP))).orElseThrow().primaryKeyId();
        AtomicBoolean rotating = new AtomicBoolean(true);
        List<String> wrongReads = new CopyOnWriteArrayList<>();
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        List<java.util.concurrent.Future<Integer>> writes = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            int client = c;
            writes.add(clients.submit(() -> {
                int done = 0;
                for (int generation = 1; rotating.get() || generation < 3; generation++) {
                    // Each client owns the entries congruent to it: what it reads must be what it wrote last.
                    for (int i = client; i < ENTRIES; i += CLIENTS * 5) {
                        String mine = value(i, generation);
                        service.put("k" + i, mine);
                        latest.put(i, mine);
                        done++;
                        Optional<String> read = service.get("k" + i);
                        if (!read.equals(Optional.of(mine))) {
                            wrongReads.add("k" + i + ": wrote " + mine + ", read " + read);
                        }
                    }
                }
                return done;
            }));
        }

        EncryptionService.RotationStarted started = await(service.encryption.rotate(ADMIN, SHOP));
        KeyRotation rotation = service.finished();
        rotating.set(false);
        int written = 0;
        for (var w : writes) {
            written += w.get(30, TimeUnit.SECONDS);
        }
        clients.shutdown();

        assertThat(rotation.primaryKeyId()).isEqualTo(started.rotation().primaryKeyId()).isNotEqualTo(oldKey);
        assertThat(written).as("the clients kept writing").isGreaterThan(CLIENTS * 2);
        assertThat(wrongReads).isEmpty();
        assertEveryValueUnder(service, rotation.primaryKeyId(), latest);
        KeysetInfo keyset = await(service.keys.describe(KeysetOwner.of(SHOP))).orElseThrow();
        assertThat(keyset.primaryKeyId()).isEqualTo(rotation.primaryKeyId());
        assertThat(keyset.olderEnabledKeys()).as("the old key is disabled").isEmpty();
        assertThat(keyset.keys()).contains(new KeysetInfo.Key(oldKey, false));
        assertThat(await(progress.find(SHOP, started.progressId()))).hasValueSatisfying(p -> {
            assertThat(p.status().name()).isEqualTo("COMPLETED");
            assertThat(p.message()).contains("keys disabled: [" + Integer.toUnsignedString(oldKey) + "]");
        });
    }

    /** Overridden, and so not run, where the store does not survive a restart. */
    @Test
    protected void resumesARotationThatARestartInterrupted() {
        Instance before = new Instance(ENCRYPTED);
        Map<Integer, String> values = new ConcurrentHashMap<>();
        for (int i = 0; i < 50; i++) {
            before.put("k" + i, value(i, 0));
            values.put(i, value(i, 0));
        }
        // The service stops right after the new key became primary: nothing re-encrypted yet.
        KeyRotation interrupted = await(before.keys.rotate(KeysetOwner.of(SHOP)));
        assertThat(interrupted.finished()).isFalse();

        Instance restarted = new Instance(ENCRYPTED);
        Instant resumedAt = Instant.now();
        assertThat(await(restarted.encryption.resumeUnfinished())).isEqualTo(1);
        KeyRotation finished = restarted.finished();

        assertThat(finished.primaryKeyId()).isEqualTo(interrupted.primaryKeyId());
        assertThat(finished.finishedAt()).hasValueSatisfying(at -> assertThat(at).isAfterOrEqualTo(resumedAt.minusMillis(1)));
        assertEveryValueUnder(restarted, interrupted.primaryKeyId(), values);
        assertThat(await(restarted.keys.describe(KeysetOwner.of(SHOP))).orElseThrow().olderEnabledKeys()).isEmpty();
    }

    @Test
    void encryptsTheValuesWrittenBeforeEncryptionWasTurnedOn() {
        Instance service = new Instance(TEXT);
        Map<Integer, String> values = new ConcurrentHashMap<>();
        for (int i = 0; i < 30; i++) {
            service.put("k" + i, value(i, 0));
            values.put(i, value(i, 0));
        }
        assertThat(ValueCodec.keyIdOf(store.storedValue(SHOP, "k0"))).isEmpty();

        service.format.set(ENCRYPTED);
        await(service.encryption.rotate(ADMIN, SHOP));
        KeyRotation rotation = service.finished();

        assertEveryValueUnder(service, rotation.primaryKeyId(), values);
    }

    // --- the sessions' keys: rotated without re-encrypting, retired once every session under them has ended

    private static SessionPolicy.Opened sessionWith(String userData) {
        return SESSION_POLICY.open(UserId.of("ada"), userData, Set.of(SHOP), java.util.OptionalLong.empty(),
                java.util.OptionalLong.empty(), Instant.now());
    }

    @Test
    void rotatesTheSessionsKeysAndDisablesTheOlderOnesOnceEverySessionUnderThemHasEnded() {
        Instance service = new Instance(ENCRYPTED);
        SessionRepository sessions = store.sessionsOn(service.values);
        SessionPolicy.Opened before = created(sessions, sessionWith("{\"written\":\"before\"}"));
        int oldKey = await(service.keys.describe(KeysetOwner.SESSIONS)).orElseThrow().primaryKeyId();

        EncryptionService.SessionsRotationStarted started = await(service.encryption.rotateSessions(ADMIN));
        SessionPolicy.Opened after = created(sessions, sessionWith("{\"written\":\"after\"}"));

        assertThat(started.rotation().primaryKeyId()).isNotEqualTo(oldKey);
        assertThat(started.retiresOlderKeysAt()).isEqualTo(started.rotation().startedAt().plus(service.keys.propagation())
                .plus(Duration.ofSeconds(2)));
        assertThat(userDataOf(sessions, before)).as("its key still decrypts").contains("{\"written\":\"before\"}");
        assertThat(userDataOf(sessions, after)).contains("{\"written\":\"after\"}");
        assertThat(await(service.keys.describe(KeysetOwner.SESSIONS)).orElseThrow().olderEnabledKeys()).containsExactly(oldKey);
        assertThat(await(keysets.find(KeysetOwner.of(SHOP)))).as("no project's keyset is touched").isEmpty();

        // Disabling the older keys and marking the rotation finished are two writes: wait for both.
        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> await(service.keys.describe(KeysetOwner.SESSIONS)).orElseThrow().olderEnabledKeys().isEmpty()
                        && await(service.keys.rotations()).stream().anyMatch(r -> r.owner().equals(KeysetOwner.SESSIONS) && r.finished()));
        assertThat(Instant.now()).isAfterOrEqualTo(started.retiresOlderKeysAt());
        assertThat(await(service.keys.rotations())).filteredOn(r -> r.owner().equals(KeysetOwner.SESSIONS))
                .singleElement().satisfies(r -> assertThat(r.finished()).isTrue());
        assertThat(userDataOf(sessions, before)).as("ended before its key was disabled").isEmpty();
        SessionPolicy.Opened latest = created(sessions, sessionWith("{\"written\":\"later\"}"));
        assertThat(userDataOf(sessions, latest)).contains("{\"written\":\"later\"}");
    }

    @Test
    void letsOnlyAnAdministratorOfEveryProjectRotateTheSessionsKeys() {
        Instance service = new Instance(ENCRYPTED);
        Principal shopAdmin = new Principal("shop-ops", ProjectAccess.only(Set.of(SHOP)), Set.of(Scope.ADMIN));
        Principal everyProjectsWriter = new Principal("writer", ProjectAccess.all(), Set.of(Scope.CACHE_WRITE));

        for (Principal refused : List.of(shopAdmin, everyProjectsWriter)) {
            assertThatThrownBy(() -> await(service.encryption.rotateSessions(refused))).isInstanceOf(AccessDeniedException.class);
            assertThatThrownBy(() -> await(service.encryption.describeSessions(refused))).isInstanceOf(AccessDeniedException.class);
        }
        assertThat(await(service.keys.rotations())).isEmpty();
    }

    @Test
    void disablesEveryOlderSessionsKeyAfterTwoRotationsAndARestartThatResumedTheWait() {
        Instance before = new Instance(ENCRYPTED);
        SessionRepository sessions = store.sessionsOn(before.values);
        created(sessions, sessionWith("{\"generation\":0}"));
        int first = await(before.keys.describe(KeysetOwner.SESSIONS)).orElseThrow().primaryKeyId();
        // The keys alone, as if the instance stopped right after each: no wait was begun.
        int second = await(before.keys.rotate(KeysetOwner.SESSIONS)).primaryKeyId();
        KeyRotation third = await(before.keys.rotate(KeysetOwner.SESSIONS));

        Instance restarted = new Instance(ENCRYPTED);
        assertThat(await(restarted.encryption.resumeUnfinished())).as("the sessions' rotation, waited for again").isEqualTo(1);

        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> await(restarted.keys.describe(KeysetOwner.SESSIONS)).orElseThrow().olderEnabledKeys().isEmpty());
        KeysetInfo keyset = await(restarted.keys.describe(KeysetOwner.SESSIONS)).orElseThrow();
        assertThat(keyset.primaryKeyId()).isEqualTo(third.primaryKeyId());
        assertThat(keyset.keys()).filteredOn(KeysetInfo.Key::enabled).extracting(KeysetInfo.Key::id)
                .containsExactly(third.primaryKeyId());
        assertThat(keyset.keys()).extracting(KeysetInfo.Key::id).contains(first, second);
        assertThat(Instant.now()).isAfterOrEqualTo(restarted.encryption.sessionsEndAt(third));
    }
}
