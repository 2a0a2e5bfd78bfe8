package infrastructure.values;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkProtoKeysetFormat;
import com.google.crypto.tink.aead.AeadConfig;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import domain.encryption.KeyEncryptionKey;
import domain.encryption.ProjectKeysets;
import domain.encryption.WrappedKeyset;
import domain.project.ProjectId;
import io.smallrye.mutiny.Uni;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.jboss.logging.Logger;

/**
 * Every project's data keyset (Tink, AES-256-GCM keys), unwrapped in process once read from the
 * store: made and stored the first time a project encrypts, used for {@code refresh} and then read
 * again in the background, so that a key rotated by another instance is taken up within it.
 */
public final class ProjectKeyrings {

    private static final Logger LOG = Logger.getLogger(ProjectKeyrings.class);
    /** A keyset lacking a key a value names is read again, but not more often than this. */
    private static final long REREAD_NANOS = Duration.ofSeconds(1).toNanos();

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
    private final long refreshNanos;
    private final LongSupplier ticker;
    private final ConcurrentHashMap<ProjectId, Held> held = new ConcurrentHashMap<>();
    private final Set<ProjectId> refreshing = ConcurrentHashMap.newKeySet();

    /** @param kek empty when none is configured: nothing can be encrypted, and encrypted values read as unreadable */
    public ProjectKeyrings(ProjectKeysets store, Optional<KeyEncryptionKey> kek, Duration refresh, LongSupplier ticker) {
        this.store = store;
        this.kek = kek;
        this.refreshNanos = refresh.toNanos();
        this.ticker = ticker;
    }

    /** Whether a key-encryption key is configured, without which nothing can be encrypted. */
    public boolean canEncrypt() {
        return kek.isPresent();
    }

    /** The project's keyring to encrypt with: its own, made and stored the first time it is needed. */
    public Uni<Keyring> forEncrypting(ProjectId project) {
        Held h = held.get(project);
        if (h != null && h.keyring.isPresent()) {
            refreshIfStale(project, h);
            return Uni.createFrom().item(h.keyring.get());
        }
        return read(project).chain(found -> found.isPresent() ? Uni.createFrom().item(found.get()) : create(project));
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

    /** Forgets what is held of the project's keys: the next use reads them from the store. */
    public void forget(ProjectId project) {
        held.remove(project);
    }

    /**
     * The store of keysets as the rest of the service changes it: a keyset replaced or destroyed
     * through it is forgotten here at once (other instances read it again within {@code refresh}).
     */
    public ProjectKeysets keysets() {
        return new ProjectKeysets() {
            @Override
            public Uni<Optional<WrappedKeyset>> find(ProjectId project) {
                return store.find(project);
            }

            @Override
            public Uni<WrappedKeyset> createIfAbsent(ProjectId project, WrappedKeyset keyset) {
                return store.createIfAbsent(project, keyset).invoke(() -> forget(project));
            }

            @Override
            public Uni<Boolean> replace(ProjectId project, WrappedKeyset next) {
                return store.replace(project, next).invoke(() -> forget(project));
            }

            @Override
            public Uni<Boolean> destroy(ProjectId project) {
                return store.destroy(project).invoke(() -> forget(project));
            }
        };
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
        long startedAt = ticker.getAsLong();
        return store.find(project)
                .chain(found -> found.isEmpty()
                        ? Uni.createFrom().item(Optional.<Keyring>empty())
                        : unwrap(project, found.get()).map(Optional::of))
                .invoke(found -> hold(project, new Held(found, startedAt)));
    }

    /** Keeps the read begun last: of two reads that overlapped, the one that may have missed a change loses. */
    private void hold(ProjectId project, Held read) {
        held.merge(project, read, (old, fresh) -> fresh.readAtNanos - old.readAtNanos < 0 ? old : fresh);
    }

    private Uni<Keyring> create(ProjectId project) {
        KeyEncryptionKey key = kekOrFail(project);
        KeysetHandle handle;
        byte[] clear;
        try {
            handle = KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM);
            clear = TinkProtoKeysetFormat.serializeKeyset(handle, InsecureSecretKeyAccess.get());
        } catch (GeneralSecurityException e) {
            return Uni.createFrom().failure(new IllegalStateException("cannot make a keyset", e));
        }
        return key.wrap(clear, wrappingContext(project))
                .invoke(() -> Arrays.fill(clear, (byte) 0))
                .chain(wrapped -> store.createIfAbsent(project, new WrappedKeyset(key.id(), wrapped, 1)))
                .chain(stored -> unwrap(project, stored))
                .invoke(keyring -> {
                    hold(project, new Held(Optional.of(keyring), ticker.getAsLong()));
                    LOG.infof("project %s encrypts its values with key %d", project.value(), keyring.primaryKeyId());
                });
    }

    private Uni<Keyring> unwrap(ProjectId project, WrappedKeyset wrapped) {
        KeyEncryptionKey key = kekOrFail(project);
        if (!wrapped.kekId().equals(key.id())) {
            return Uni.createFrom().failure(new KeysetUnreadableException("the keyset of project " + project.value()
                    + " was wrapped by key-encryption key " + wrapped.kekId() + ", not by the configured " + key.id()));
        }
        return key.unwrap(wrapped.bytes(), wrappingContext(project)).map(clear -> {
            try {
                KeysetHandle handle = TinkProtoKeysetFormat.parseKeyset(clear, InsecureSecretKeyAccess.get());
                Set<Integer> ids = new HashSet<>();
                for (int i = 0; i < handle.size(); i++) {
                    ids.add(handle.getAt(i).getId());
                }
                return new Keyring(handle.getPrimitive(RegistryConfiguration.get(), Aead.class), handle.getPrimary().getId(),
                        Set.copyOf(ids), wrapped.revision());
            } catch (GeneralSecurityException e) {
                throw new KeysetUnreadableException("the keyset of project " + project.value() + " is damaged");
            } finally {
                Arrays.fill(clear, (byte) 0);
            }
        });
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
