package infrastructure.values;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkProtoKeysetFormat;
import com.google.crypto.tink.aead.AeadConfig;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import com.google.crypto.tink.KeyStatus;
import domain.encryption.KeyEncryptionKey;
import domain.encryption.KeyRotation;
import domain.encryption.KeysetInfo;
import domain.encryption.ProjectKeys;
import domain.encryption.ProjectKeysets;
import domain.encryption.WrappedKeyset;
import domain.project.ProjectId;
import io.smallrye.mutiny.Uni;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Every project's data keyset (Tink, AES-256-GCM keys), unwrapped in process once read from the
 * store: made and stored the first time a project encrypts, used for {@code refresh} and then read
 * again in the background, so that a key rotated by another instance is taken up within it. Rotating,
 * retiring and shredding keys go through it too ({@link ProjectKeys}), so this instance takes a change
 * up at once.
 */
public final class ProjectKeyrings implements ProjectKeys {

    private static final Logger LOG = Logger.getLogger(ProjectKeyrings.class);
    /** A keyset lacking a key a value names is read again, but not more often than this. */
    private static final long REREAD_NANOS = Duration.ofSeconds(1).toNanos();
    /**
     * How long a write may take from encrypting its value to storing it (the store's timeout, 1 s by
     * default, and some): what {@link #propagation()} adds to the refresh.
     */
    public static final Duration WRITE_MARGIN = Duration.ofSeconds(2);
    /** A keyset change that lost a race with another instance's is tried again this often. */
    private static final int CHANGE_ATTEMPTS = 5;

    static {
        try {
            AeadConfig.register();
        } catch (GeneralSecurityException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /**
     * A project's keys, ready to use.
     *
     * @param primaryKeyId the key new values are encrypted with
     * @param keyIds       every key that can decrypt
     * @param revision     the stored keyset's revision this was read from
     */
    public record Keyring(Aead aead, int primaryKeyId, Set<Integer> keyIds, long revision) {
    }

    private record Held(Optional<Keyring> keyring, long readAtNanos) {
    }

    private final ProjectKeysets store;
    private final Optional<KeyEncryptionKey> kek;
    private final Duration refresh;
    private final Duration writeMargin;
    private final long refreshNanos;
    private final LongSupplier ticker;
    private final Clock clock;
    private final ConcurrentHashMap<ProjectId, Held> held = new ConcurrentHashMap<>();
    private final Set<ProjectId> refreshing = ConcurrentHashMap.newKeySet();
    private final ConcurrentHashMap<ProjectId, Uni<Optional<Keyring>>> reading = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<ProjectId, Uni<Keyring>> encrypting = new ConcurrentHashMap<>();
    /** When this instance last changed each project's keyset: reads begun before then are not held. */
    private final ConcurrentHashMap<ProjectId, Long> forgottenAt = new ConcurrentHashMap<>();

    /** @param kek empty when none is configured: nothing can be encrypted, and encrypted values read as unreadable */
    public ProjectKeyrings(ProjectKeysets store, Optional<KeyEncryptionKey> kek, Duration refresh, LongSupplier ticker, Clock clock) {
        this(store, kek, refresh, WRITE_MARGIN, ticker, clock);
    }

    /** @param writeMargin how long a write may take from encrypting its value to storing it */
    public ProjectKeyrings(ProjectKeysets store, Optional<KeyEncryptionKey> kek, Duration refresh, Duration writeMargin,
            LongSupplier ticker, Clock clock) {
        this.writeMargin = writeMargin;
        this.store = store;
        this.kek = kek;
        this.refresh = refresh;
        this.refreshNanos = refresh.toNanos();
        this.ticker = ticker;
        this.clock = clock;
    }

    /** Whether a key-encryption key is configured, without which nothing can be encrypted. */
    @Override
    public boolean available() {
        return kek.isPresent();
    }

    /**
     * The project's keyring to encrypt with: its own, made and stored the first time it is needed.
     * One held longer than {@code refresh} is read again first, never used: a rotation counts on every
     * instance encrypting under its new key once {@link #propagation()} has passed, however long the
     * project was idle here.
     */
    public Uni<Keyring> forEncrypting(ProjectId project) {
        Held h = held.get(project);
        if (h != null && h.keyring.isPresent() && ticker.getAsLong() - h.readAtNanos < refreshNanos) {
            return Uni.createFrom().item(h.keyring.get());
        }
        return once(encrypting, project,
                () -> read(project).chain(found -> found.isPresent() ? Uni.createFrom().item(found.get()) : create(project)));
    }

    /**
     * The one load of the project's keys in flight, shared by every caller that needs it meanwhile: a
     * burst of first requests to a project reads (and makes) its keyset once, not once per request.
     */
    private static <T> Uni<T> once(ConcurrentHashMap<ProjectId, Uni<T>> inFlight, ProjectId project, Supplier<Uni<? extends T>> load) {
        Uni<T> running = inFlight.get(project);
        if (running != null) {
            return running;
        }
        AtomicReference<Uni<T>> self = new AtomicReference<>();
        Uni<T> shared = Uni.createFrom().deferred(load)
                .onTermination().invoke(() -> inFlight.remove(project, self.get()))
                .memoize().indefinitely();
        self.set(shared);
        Uni<T> raced = inFlight.putIfAbsent(project, shared);
        return raced != null ? raced : shared;
    }

    /**
     * Makes, at startup and off the event loop, what the first encryption would otherwise make while
     * a request waits: Tink's registry and primitives, the JCE provider, the random source's seed.
     */
    public static void warmUp() {
        try {
            Aead aead = KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM)
                    .getPrimitive(RegistryConfiguration.get(), Aead.class);
            aead.decrypt(aead.encrypt(new byte[32], new byte[8]), new byte[8]);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-256-GCM does not work in this Java runtime", e);
        }
    }

    /**
     * The project's keyring to decrypt a value encrypted with {@code keyId}: read again from the store
     * when the one held lacks that key (it may be new). Empty when the project has no keyset (never
     * made, or shredded); it may lack the key still (the value is then unreadable).
     */
    public Uni<Optional<Keyring>> forDecrypting(ProjectId project, int keyId) {
        Held h = held.get(project);
        if (h != null) {
            boolean hasKey = h.keyring.isPresent() && h.keyring.get().keyIds().contains(keyId);
            if (hasKey || ticker.getAsLong() - h.readAtNanos < REREAD_NANOS) {
                refreshIfStale(project, h);
                return Uni.createFrom().item(h.keyring);
            }
        }
        return read(project);
    }

    /**
     * Forgets what is held of the project's keys: the next use reads them from the store, and a read
     * already under way when this was called is not held, nor shared with callers that come after.
     */
    public void forget(ProjectId project) {
        forgottenAt.put(project, ticker.getAsLong());
        held.remove(project);
        reading.remove(project);
        encrypting.remove(project);
    }

    private void refreshIfStale(ProjectId project, Held h) {
        if (ticker.getAsLong() - h.readAtNanos >= refreshNanos && refreshing.add(project)) {
            read(project).onTermination().invoke(() -> refreshing.remove(project)).subscribe().with(
                    found -> { },
                    failure -> LOG.debugf("could not read the keyset of project %s again: %s", project.value(), failure.toString()));
        }
    }

    /** Reads and unwraps the project's stored keyset, and holds it. */
    private Uni<Optional<Keyring>> read(ProjectId project) {
        return once(reading, project, () -> {
            long startedAt = ticker.getAsLong();
            return store.find(project)
                    .chain(found -> found.isEmpty()
                            ? Uni.createFrom().item(Optional.<Keyring>empty())
                            : unwrap(project, found.get()).map(Optional::of))
                    .invoke(found -> hold(project, new Held(found, startedAt)));
        });
    }

    /**
     * Keeps the read begun last: of two reads that overlapped, the one that may have missed a change
     * loses; so does a read begun before this instance changed the keyset ({@link #forget}).
     */
    private void hold(ProjectId project, Held read) {
        Long forgotten = forgottenAt.get(project);
        if (forgotten != null && read.readAtNanos - forgotten <= 0) {
            return;
        }
        held.merge(project, read, (old, fresh) -> fresh.readAtNanos - old.readAtNanos < 0 ? old : fresh);
    }

    private Uni<Keyring> create(ProjectId project) {
        long startedAt = ticker.getAsLong();
        KeyEncryptionKey key = kekOrFail(project);
        KeysetHandle handle;
        try {
            handle = KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM);
        } catch (GeneralSecurityException e) {
            return Uni.createFrom().failure(new IllegalStateException("cannot make a keyset", e));
        }
        return wrap(project, handle)
                .chain(wrapped -> store.createIfAbsent(project, new WrappedKeyset(key.id(), wrapped, 1)))
                .chain(stored -> unwrap(project, stored))
                .invoke(keyring -> {
                    hold(project, new Held(Optional.of(keyring), startedAt));
                    LOG.infof("project %s encrypts its values with key %d", project.value(), keyring.primaryKeyId());
                });
    }

    private Uni<Keyring> unwrap(ProjectId project, WrappedKeyset wrapped) {
        return handle(project, wrapped).map(handle -> {
            try {
                Set<Integer> ids = new HashSet<>();
                for (int i = 0; i < handle.size(); i++) {
                    if (handle.getAt(i).getStatus() == KeyStatus.ENABLED) {
                        ids.add(handle.getAt(i).getId());
                    }
                }
                return new Keyring(handle.getPrimitive(RegistryConfiguration.get(), Aead.class), handle.getPrimary().getId(),
                        Set.copyOf(ids), wrapped.revision());
            } catch (GeneralSecurityException e) {
                throw new KeysetUnreadableException("the keyset of project " + project.value() + " is damaged");
            }
        });
    }

    /** The keyset in a stored one, unwrapped. */
    private Uni<KeysetHandle> handle(ProjectId project, WrappedKeyset wrapped) {
        KeyEncryptionKey key = kekOrFail(project);
        if (!wrapped.kekId().equals(key.id())) {
            return Uni.createFrom().failure(new KeysetUnreadableException("the keyset of project " + project.value()
                    + " was wrapped by key-encryption key " + wrapped.kekId() + ", not by the configured " + key.id()));
        }
        return key.unwrap(wrapped.bytes(), wrappingContext(project)).map(clear -> {
            try {
                return TinkProtoKeysetFormat.parseKeyset(clear, InsecureSecretKeyAccess.get());
            } catch (GeneralSecurityException e) {
                throw new KeysetUnreadableException("the keyset of project " + project.value() + " is damaged");
            } finally {
                Arrays.fill(clear, (byte) 0);
            }
        });
    }

    /** The keyset wrapped by the key-encryption key, for its project only. */
    private Uni<byte[]> wrap(ProjectId project, KeysetHandle handle) {
        byte[] clear;
        try {
            clear = TinkProtoKeysetFormat.serializeKeyset(handle, InsecureSecretKeyAccess.get());
        } catch (GeneralSecurityException e) {
            return Uni.createFrom().failure(new IllegalStateException("cannot serialise a keyset", e));
        }
        return kekOrFail(project).wrap(clear, wrappingContext(project)).invoke(() -> Arrays.fill(clear, (byte) 0));
    }

    @Override
    public Uni<KeyRotation> rotate(ProjectId project) {
        return change(project, handle -> {
            KeysetHandle.Builder next = KeysetHandle.newBuilder(handle);
            next.addEntry(KeysetHandle.generateEntryFromParameters(PredefinedAeadParameters.AES256_GCM).withRandomId().makePrimary());
            return Optional.of(next.build());
        }).chain(changed -> changed.isPresent()
                        ? Uni.createFrom().item(changed.get().getPrimary().getId())
                        : forEncrypting(project).map(Keyring::primaryKeyId))
                .map(primary -> new KeyRotation(project, primary, clock.instant(), Optional.empty()))
                .call(store::saveRotation)
                .invoke(rotation -> LOG.infof("project %s: key %s is primary; older keys stay until its values are "
                        + "re-encrypted", project.value(), Integer.toUnsignedString(rotation.primaryKeyId())));
    }

    @Override
    public Uni<List<Integer>> retire(ProjectId project, int primaryKeyId) {
        List<Integer> disabled = new ArrayList<>();
        return change(project, handle -> {
            disabled.clear();
            if (handle.getPrimary().getId() != primaryKeyId) {
                return Optional.empty();
            }
            KeysetHandle.Builder next = KeysetHandle.newBuilder(handle);
            for (int i = 0; i < handle.size(); i++) {
                if (!handle.getAt(i).isPrimary() && handle.getAt(i).getStatus() == KeyStatus.ENABLED) {
                    next.getAt(i).setStatus(KeyStatus.DISABLED);
                    disabled.add(handle.getAt(i).getId());
                }
            }
            return disabled.isEmpty() ? Optional.empty() : Optional.of(next.build());
        }).chain(changed -> rotations().map(all -> all.stream().filter(r -> r.project().equals(project)
                        && r.primaryKeyId() == primaryKeyId && !r.finished()).findFirst()))
                .call(started -> started.isPresent() ? store.saveRotation(started.get().finishedAt(clock.instant()))
                        : Uni.createFrom().voidItem())
                .map(started -> List.copyOf(disabled))
                .invoke(keys -> {
                    if (!keys.isEmpty()) {
                        LOG.infof("project %s: keys %s disabled", project.value(), keys);
                    }
                });
    }

    @Override
    public Uni<Optional<KeysetInfo>> describe(ProjectId project) {
        return store.find(project).chain(found -> found.isEmpty()
                ? Uni.createFrom().item(Optional.<KeysetInfo>empty())
                : handle(project, found.get()).map(handle -> {
                    List<KeysetInfo.Key> keys = new ArrayList<>();
                    for (int i = 0; i < handle.size(); i++) {
                        keys.add(new KeysetInfo.Key(handle.getAt(i).getId(), handle.getAt(i).getStatus() == KeyStatus.ENABLED));
                    }
                    return Optional.of(new KeysetInfo(handle.getPrimary().getId(), keys, found.get().revision()));
                }));
    }

    @Override
    public Uni<List<KeyRotation>> rotations() {
        return store.rotations();
    }

    @Override
    public Uni<Boolean> shred(ProjectId project) {
        return store.destroy(project).invoke(() -> forget(project));
    }

    @Override
    public Duration propagation() {
        return refresh.plus(writeMargin);
    }

    /** The change a {@link #change} makes to a keyset: a new one, or empty to leave it as it is. */
    @FunctionalInterface
    private interface KeysetChange {
        Optional<KeysetHandle> apply(KeysetHandle current) throws GeneralSecurityException;
    }

    /**
     * Changes the project's stored keyset: reads it, applies {@code change}, stores the result if no
     * other change was stored meanwhile (else reads and applies again), and forgets what this instance
     * held. Empty when the project has no keyset or the change left it as it was.
     */
    private Uni<Optional<KeysetHandle>> change(ProjectId project, KeysetChange change) {
        return Uni.createFrom().deferred(() -> store.find(project).chain(found -> {
                    if (found.isEmpty()) {
                        return Uni.createFrom().item(Optional.<KeysetHandle>empty());
                    }
                    return handle(project, found.get()).chain(current -> {
                        Optional<KeysetHandle> next;
                        try {
                            next = change.apply(current);
                        } catch (GeneralSecurityException e) {
                            return Uni.createFrom().failure(new IllegalStateException("cannot change a keyset", e));
                        }
                        if (next.isEmpty()) {
                            return Uni.createFrom().item(next);
                        }
                        return wrap(project, next.get())
                                .chain(bytes -> store.replace(project, found.get().next(kekOrFail(project).id(), bytes)))
                                .map(replaced -> {
                                    if (!replaced) {
                                        throw new ChangedMeanwhileException();
                                    }
                                    return next;
                                });
                    });
                }))
                .onFailure(ChangedMeanwhileException.class).retry().atMost(CHANGE_ATTEMPTS - 1)
                .invoke(() -> forget(project));
    }

    /** Another instance stored a change of the same keyset first. */
    private static final class ChangedMeanwhileException extends RuntimeException {
        ChangedMeanwhileException() {
            super("the keyset changed meanwhile", null, false, false);
        }
    }

    private KeyEncryptionKey kekOrFail(ProjectId project) {
        return kek.orElseThrow(() -> new KeysetUnreadableException("project " + project.value()
                + " has encrypted values, and no key-encryption key is configured (cache-domain.values.encryption.key)"));
    }

    /** Binds a wrapped keyset to its project: one moved to another project does not unwrap. */
    private static byte[] wrappingContext(ProjectId project) {
        return ("cache-domain/keyset/1\0" + project.value()).getBytes(StandardCharsets.UTF_8);
    }
}
