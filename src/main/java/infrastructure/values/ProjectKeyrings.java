package infrastructure.values;

import application.RequestContexts;
import application.SingleFlight;
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
import domain.encryption.KeysetOwner;
import domain.encryption.KeysetInfo;
import domain.encryption.ProjectKeys;
import domain.encryption.ProjectKeysets;
import domain.encryption.WrappedKeyset;
import io.quarkus.runtime.annotations.RegisterForReflection;
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
 * Every data keyset (Tink, AES-256-GCM keys: each project's, and the sessions'), unwrapped in process
 * once read from the store: made and stored the first time its owner encrypts, used for {@code refresh} and then read
 * again in the background, so that a key rotated by another instance is taken up within it. Rotating,
 * retiring and shredding keys go through it too ({@link ProjectKeys}), so this instance takes a change
 * up at once.
 */
// Tink's keyset messages for AES-GCM keysets (protobuf's generated classes, which its runtime reflects on), declared for
// the native image.
@RegisterForReflection(classNames = {"com.google.crypto.tink.proto.Keyset", "com.google.crypto.tink.proto.Keyset$Builder",
        "com.google.crypto.tink.proto.Keyset$Key", "com.google.crypto.tink.proto.Keyset$Key$Builder",
        "com.google.crypto.tink.proto.KeyData", "com.google.crypto.tink.proto.KeyData$Builder",
        "com.google.crypto.tink.proto.KeyData$KeyMaterialType", "com.google.crypto.tink.proto.KeyStatusType",
        "com.google.crypto.tink.proto.OutputPrefixType", "com.google.crypto.tink.proto.KeysetInfo",
        "com.google.crypto.tink.proto.KeysetInfo$KeyInfo", "com.google.crypto.tink.proto.KeyTemplate",
        "com.google.crypto.tink.proto.AesGcmKey", "com.google.crypto.tink.proto.AesGcmKey$Builder",
        "com.google.crypto.tink.proto.AesGcmKeyFormat", "com.google.crypto.tink.proto.AesGcmKeyFormat$Builder"},
        methods = true, fields = true)
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
     * An owner's keys, ready to use.
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
    private final ConcurrentHashMap<KeysetOwner, Held> held = new ConcurrentHashMap<>();
    private final Set<KeysetOwner> refreshing = ConcurrentHashMap.newKeySet();
    private final ConcurrentHashMap<KeysetOwner, Uni<Optional<Keyring>>> reading = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<KeysetOwner, Uni<Keyring>> encrypting = new ConcurrentHashMap<>();
    /** When this instance last changed each owner's keyset: reads begun before then are not held. */
    private final ConcurrentHashMap<KeysetOwner, Long> forgottenAt = new ConcurrentHashMap<>();
    private final RequestContexts contexts;

    /** @param kek empty when none is configured: nothing can be encrypted, and encrypted values read as unreadable */
    public ProjectKeyrings(ProjectKeysets store, Optional<KeyEncryptionKey> kek, Duration refresh, LongSupplier ticker, Clock clock,
            RequestContexts contexts) {
        this(store, kek, refresh, WRITE_MARGIN, ticker, clock, contexts);
    }

    /**
     * @param writeMargin how long a write may take from encrypting its value to storing it
     * @param contexts    where a load shared by several requests is handed back to each
     */
    public ProjectKeyrings(ProjectKeysets store, Optional<KeyEncryptionKey> kek, Duration refresh, Duration writeMargin,
            LongSupplier ticker, Clock clock, RequestContexts contexts) {
        this.contexts = contexts;
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
     * The owner's keyring to encrypt with: its own, made and stored the first time it is needed.
     * One held longer than {@code refresh} is read again first, never used: a rotation counts on every
     * instance encrypting under its new key once {@link #propagation()} has passed, however long the
     * owner was idle here.
     */
    public Uni<Keyring> forEncrypting(KeysetOwner owner) {
        Held h = held.get(owner);
        if (h != null && h.keyring.isPresent() && ticker.getAsLong() - h.readAtNanos < refreshNanos) {
            return Uni.createFrom().item(h.keyring.get());
        }
        return once(encrypting, owner,
                () -> read(owner).chain(found -> found.isPresent() ? Uni.createFrom().item(found.get()) : create(owner)));
    }

    /**
     * The one load of the owner's keys in flight, shared by every caller that needs it meanwhile: a
     * burst of first requests to an owner reads (and makes) its keyset once, not once per request.
     */
    private <T> Uni<T> once(ConcurrentHashMap<KeysetOwner, Uni<T>> inFlight, KeysetOwner owner, Supplier<Uni<? extends T>> load) {
        Uni<T> running = inFlight.get(owner);
        if (running != null) {
            return contexts.onCaller(running);
        }
        AtomicReference<Uni<T>> self = new AtomicReference<>();
        Uni<T> shared = SingleFlight.of(Uni.createFrom().deferred(load)
                .onTermination().invoke(() -> inFlight.remove(owner, self.get())));
        self.set(shared);
        Uni<T> raced = inFlight.putIfAbsent(owner, shared);
        return contexts.onCaller(raced != null ? raced : shared);
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
     * The owner's keyring to decrypt a value encrypted with {@code keyId}: read again from the store
     * when the one held lacks that key (it may be new). Empty when the owner has no keyset (never
     * made, or shredded); it may lack the key still (the value is then unreadable).
     */
    public Uni<Optional<Keyring>> forDecrypting(KeysetOwner owner, int keyId) {
        Held h = held.get(owner);
        if (h != null) {
            boolean hasKey = h.keyring.isPresent() && h.keyring.get().keyIds().contains(keyId);
            if (hasKey || ticker.getAsLong() - h.readAtNanos < REREAD_NANOS) {
                refreshIfStale(owner, h);
                return Uni.createFrom().item(h.keyring);
            }
        }
        return read(owner);
    }

    /**
     * Forgets what is held of the owner's keys: the next use reads them from the store, and a read
     * already under way when this was called is not held, nor shared with callers that come after.
     */
    public void forget(KeysetOwner owner) {
        forgottenAt.put(owner, ticker.getAsLong());
        held.remove(owner);
        reading.remove(owner);
        encrypting.remove(owner);
    }

    private void refreshIfStale(KeysetOwner owner, Held h) {
        if (ticker.getAsLong() - h.readAtNanos >= refreshNanos && refreshing.add(owner)) {
            read(owner).onTermination().invoke(() -> refreshing.remove(owner)).subscribe().with(
                    found -> { },
                    failure -> LOG.debugf("could not read the keyset of %s again: %s", owner, failure.toString()));
        }
    }

    /** Reads and unwraps the owner's stored keyset, and holds it. */
    private Uni<Optional<Keyring>> read(KeysetOwner owner) {
        return once(reading, owner, () -> {
            long startedAt = ticker.getAsLong();
            return store.find(owner)
                    .chain(found -> found.isEmpty()
                            ? Uni.createFrom().item(Optional.<Keyring>empty())
                            : unwrap(owner, found.get()).map(Optional::of))
                    .invoke(found -> hold(owner, new Held(found, startedAt)));
        });
    }

    /**
     * Keeps the read begun last: of two reads that overlapped, the one that may have missed a change
     * loses; so does a read begun before this instance changed the keyset ({@link #forget}).
     */
    private void hold(KeysetOwner owner, Held read) {
        Long forgotten = forgottenAt.get(owner);
        if (forgotten != null && read.readAtNanos - forgotten <= 0) {
            return;
        }
        held.merge(owner, read, (old, fresh) -> fresh.readAtNanos - old.readAtNanos < 0 ? old : fresh);
    }

    private Uni<Keyring> create(KeysetOwner owner) {
        long startedAt = ticker.getAsLong();
        KeyEncryptionKey key = kekOrFail(owner);
        KeysetHandle handle;
        try {
            handle = KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM);
        } catch (GeneralSecurityException e) {
            return Uni.createFrom().failure(new IllegalStateException("cannot make a keyset", e));
        }
        return wrap(owner, handle)
                .chain(wrapped -> store.createIfAbsent(owner, new WrappedKeyset(key.id(), wrapped, 1)))
                .chain(stored -> unwrap(owner, stored))
                .invoke(keyring -> {
                    hold(owner, new Held(Optional.of(keyring), startedAt));
                    LOG.infof("%s: values are encrypted with key %d", owner, keyring.primaryKeyId());
                });
    }

    private Uni<Keyring> unwrap(KeysetOwner owner, WrappedKeyset wrapped) {
        return handle(owner, wrapped).map(handle -> {
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
                throw new KeysetUnreadableException("the keyset of " + owner + " is damaged");
            }
        });
    }

    /** The keyset in a stored one, unwrapped. */
    private Uni<KeysetHandle> handle(KeysetOwner owner, WrappedKeyset wrapped) {
        KeyEncryptionKey key = kekOrFail(owner);
        if (!wrapped.kekId().equals(key.id())) {
            return Uni.createFrom().failure(new KeysetUnreadableException("the keyset of " + owner
                    + " was wrapped by key-encryption key " + wrapped.kekId() + ", not by the configured " + key.id()));
        }
        return key.unwrap(wrapped.bytes(), wrappingContext(owner)).map(clear -> {
            try {
                return TinkProtoKeysetFormat.parseKeyset(clear, InsecureSecretKeyAccess.get());
            } catch (GeneralSecurityException e) {
                throw new KeysetUnreadableException("the keyset of " + owner + " is damaged");
            } finally {
                Arrays.fill(clear, (byte) 0);
            }
        });
    }

    /** The keyset wrapped by the key-encryption key, for its owner only. */
    private Uni<byte[]> wrap(KeysetOwner owner, KeysetHandle handle) {
        byte[] clear;
        try {
            clear = TinkProtoKeysetFormat.serializeKeyset(handle, InsecureSecretKeyAccess.get());
        } catch (GeneralSecurityException e) {
            return Uni.createFrom().failure(new IllegalStateException("cannot serialise a keyset", e));
        }
        return kekOrFail(owner).wrap(clear, wrappingContext(owner)).invoke(() -> Arrays.fill(clear, (byte) 0));
    }

    @Override
    public Uni<KeyRotation> rotate(KeysetOwner owner) {
        return change(owner, handle -> {
            KeysetHandle.Builder next = KeysetHandle.newBuilder(handle);
            next.addEntry(KeysetHandle.generateEntryFromParameters(PredefinedAeadParameters.AES256_GCM).withRandomId().makePrimary());
            return Optional.of(next.build());
        }).chain(changed -> changed.isPresent()
                        ? Uni.createFrom().item(changed.get().getPrimary().getId())
                        : forEncrypting(owner).map(Keyring::primaryKeyId))
                .map(primary -> new KeyRotation(owner, primary, clock.instant(), Optional.empty()))
                .call(store::saveRotation)
                .invoke(rotation -> LOG.infof("%s: key %s is primary; older keys stay until nothing stored needs them",
                        owner, Integer.toUnsignedString(rotation.primaryKeyId())));
    }

    @Override
    public Uni<List<Integer>> retire(KeysetOwner owner, int primaryKeyId) {
        List<Integer> disabled = new ArrayList<>();
        return change(owner, handle -> {
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
        }).chain(changed -> rotations().map(all -> all.stream().filter(r -> r.owner().equals(owner)
                        && r.primaryKeyId() == primaryKeyId && !r.finished()).findFirst()))
                .call(started -> started.isPresent() ? store.saveRotation(started.get().finishedAt(clock.instant()))
                        : Uni.createFrom().voidItem())
                .map(started -> List.copyOf(disabled))
                .invoke(keys -> {
                    if (!keys.isEmpty()) {
                        LOG.infof("%s: keys %s disabled", owner, keys);
                    }
                });
    }

    @Override
    public Uni<Optional<KeysetInfo>> describe(KeysetOwner owner) {
        return store.find(owner).chain(found -> found.isEmpty()
                ? Uni.createFrom().item(Optional.<KeysetInfo>empty())
                : handle(owner, found.get()).map(handle -> {
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
    public Uni<Boolean> shred(KeysetOwner owner) {
        return store.destroy(owner).invoke(() -> forget(owner));
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
     * Changes the owner's stored keyset: reads it, applies {@code change}, stores the result if no
     * other change was stored meanwhile (else reads and applies again), and forgets what this instance
     * held. Empty when the owner has no keyset or the change left it as it was.
     */
    private Uni<Optional<KeysetHandle>> change(KeysetOwner owner, KeysetChange change) {
        return Uni.createFrom().deferred(() -> store.find(owner).chain(found -> {
                    if (found.isEmpty()) {
                        return Uni.createFrom().item(Optional.<KeysetHandle>empty());
                    }
                    return handle(owner, found.get()).chain(current -> {
                        Optional<KeysetHandle> next;
                        try {
                            next = change.apply(current);
                        } catch (GeneralSecurityException e) {
                            return Uni.createFrom().failure(new IllegalStateException("cannot change a keyset", e));
                        }
                        if (next.isEmpty()) {
                            return Uni.createFrom().item(next);
                        }
                        return wrap(owner, next.get())
                                .chain(bytes -> store.replace(owner, found.get().next(kekOrFail(owner).id(), bytes)))
                                .map(replaced -> {
                                    if (!replaced) {
                                        throw new ChangedMeanwhileException();
                                    }
                                    return next;
                                });
                    });
                }))
                .onFailure(ChangedMeanwhileException.class).retry().atMost(CHANGE_ATTEMPTS - 1)
                .invoke(() -> forget(owner));
    }

    /** Another instance stored a change of the same keyset first. */
    private static final class ChangedMeanwhileException extends RuntimeException {
        ChangedMeanwhileException() {
            super("the keyset changed meanwhile", null, false, false);
        }
    }

    private KeyEncryptionKey kekOrFail(KeysetOwner owner) {
        return kek.orElseThrow(() -> new KeysetUnreadableException(owner
                + " has encrypted values, and no key-encryption key is configured (cache-domain.values.encryption.key)"));
    }

    /** Binds a wrapped keyset to its owner: one moved to another owner does not unwrap. */
    private static byte[] wrappingContext(KeysetOwner owner) {
        return ("cache-domain/keyset/1\0" + owner.value()).getBytes(StandardCharsets.UTF_8);
    }
}
