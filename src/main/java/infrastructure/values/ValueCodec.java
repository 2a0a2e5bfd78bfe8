package infrastructure.values;

import domain.encryption.ValueFormat;
import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import com.github.luben.zstd.ZstdDecompressCtx;
import com.github.luben.zstd.ZstdException;
import domain.cache.CacheEntry;
import domain.cache.CacheKey;
import domain.cache.EntryPage;
import domain.encryption.KeysetOwner;
import domain.project.ProjectId;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * The one chain every stored value crosses: on the way to the store its JSON text is compressed
 * (zstd, from a size on) and encrypted (AES-256-GCM with its owner's keyset: its project's, or the
 * sessions'; bound to where it is stored); on the way back the same in reverse. Each owner's {@link ValueFormat} decides how new
 * values are written; how a stored value was written is read from the value itself, so values
 * written under any settings are read side by side.
 *
 * <p>Stored form: a value neither compressed nor encrypted is its UTF-8 text, exactly as before this
 * chain existed (no JSON text starts with byte 0x01). Any other is {@code 0x01 flags payload}: flags
 * bit 0 compressed (a zstd frame that names its size), bit 1 encrypted (payload a Tink ciphertext:
 * {@code 0x01}, the 4-byte key id, the 12-byte nonce, the ciphertext, the 16-byte tag).
 *
 * <p>A value that cannot be read (it fails to decrypt, its key is gone, it is damaged) is never
 * served: it reads as absent, is counted ({@value #UNREADABLE}, by reason), and is logged once per
 * owner, key and reason, never with its content.
 */
public final class ValueCodec {

    static final String UNREADABLE = "values.unreadable";

    private static final Logger LOG = Logger.getLogger(ValueCodec.class);
    private static final byte FORMAT_1 = 0x01;
    /** Starts the text form of a value that is not its own text ({@link #encodeText}). */
    private static final char SEALED_TEXT = '\u0001';
    private static final int COMPRESSED = 1;
    private static final int ENCRYPTED = 2;
    /** Tink's prefix of a ciphertext: a version byte and the id of the key that made it. */
    private static final int TINK_PREFIX = 5;
    private static final byte TINK_VERSION = 0x01;
    /** The most distinct unreadable reports logged; past it they are only counted. */
    private static final int MAX_LOGGED = 1000;

    /** Why a stored value could not be read: the {@code reason} tag of {@value #UNREADABLE}. */
    public enum Unreadable {
        /** Its bytes are not a value of any known form: truncated, or changed. */
        DAMAGED("damaged"),
        /** It names a form this version does not know (written by a newer one). */
        UNKNOWN_FORMAT("unknown-format"),
        /** Its owner has no keyset: never made, or shredded. */
        NO_KEYSET("no-keyset"),
        /** Its owner's keyset does not hold the key it names. */
        UNKNOWN_KEY("unknown-key"),
        /** It does not decrypt: changed, or copied from another owner, kind or name. */
        NOT_AUTHENTIC("not-authentic"),
        /** Its owner's keyset cannot be unwrapped with the configured key-encryption key. */
        KEYSET_UNREADABLE("keyset-unreadable");

        private final String tag;

        Unreadable(String tag) {
            this.tag = tag;
        }
    }

    private final Function<KeysetOwner, ValueFormat> formats;
    private final ProjectKeyrings keyrings;
    private final int maxTextBytes;
    private final Map<Unreadable, Counter> unreadable;
    private final Set<String> logged = ConcurrentHashMap.newKeySet();
    /**
     * One zstd context per thread, kept: making one costs more than compressing a 1 KB value with it
     * (33 µs against 8 µs here). Event loops and workers are few and long-lived, so these are too.
     */
    private static final ThreadLocal<ZstdCompressCtx> COMPRESSING = ThreadLocal.withInitial(ZstdCompressCtx::new);
    private static final ThreadLocal<ZstdDecompressCtx> DECOMPRESSING = ThreadLocal.withInitial(ZstdDecompressCtx::new);

    /**
     * @param formats      how the values each keyset owner encrypts are written
     * @param maxTextBytes the largest text a value may have: a compressed value claiming more is damaged
     */
    public ValueCodec(Function<KeysetOwner, ValueFormat> formats, ProjectKeyrings keyrings, int maxTextBytes,
            MeterRegistry meters) {
        this.formats = formats;
        this.keyrings = keyrings;
        // The native library and the crypto classes load here, at startup, not under a request's timeout.
        Zstd.decompress(Zstd.compress(new byte[256], 3), 256);
        if (keyrings.available()) {
            ProjectKeyrings.warmUp();
        }
        this.maxTextBytes = maxTextBytes;
        Map<Unreadable, Counter> counters = new java.util.EnumMap<>(Unreadable.class);
        for (Unreadable reason : Unreadable.values()) {
            counters.put(reason, Counter.builder(UNREADABLE)
                    .description("stored values that could not be read, and read as absent, by reason")
                    .tag("reason", reason.tag).register(meters));
        }
        this.unreadable = counters;
    }

    /** How the project's values are written now. */
    public ValueFormat format(ProjectId project) {
        return formats.apply(KeysetOwner.of(project));
    }

    /** The stored form of {@code json}, in the format its owner writes now. */
    public Uni<byte[]> encode(ValueContext context, String json) {
        ValueFormat format = formats.apply(context.owner());
        byte[] text = json.getBytes(StandardCharsets.UTF_8);
        byte[] payload = text;
        int flags = 0;
        if (format.compress() && text.length >= format.minSize()) {
            ZstdCompressCtx zstd = COMPRESSING.get();
            zstd.setLevel(format.level());
            byte[] packed = zstd.compress(text);
            if (packed.length < text.length) {
                payload = packed;
                flags |= COMPRESSED;
            }
        }
        if (!format.encrypt()) {
            return Uni.createFrom().item(flags == 0 && (text.length == 0 || text[0] != FORMAT_1) ? text : framed(flags, payload));
        }
        byte[] clear = payload;
        int encrypted = flags | ENCRYPTED;
        return keyrings.forEncrypting(context.owner()).map(keyring -> {
            try {
                return framed(encrypted, keyring.aead().encrypt(clear, context.associatedData()));
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("AES-GCM encryption failed", e);
            }
        });
    }

    /**
     * The JSON text of a stored value; empty when it cannot be read (counted and logged). Fails only
     * when the store holding the owner's keyset cannot answer.
     */
    public Uni<Optional<String>> decode(ValueContext context, byte[] stored) {
        if (stored.length == 0 || stored[0] != FORMAT_1) {
            return Uni.createFrom().item(Optional.of(new String(stored, StandardCharsets.UTF_8)));
        }
        if (stored.length < 2) {
            return Uni.createFrom().item(unreadable(context, Unreadable.DAMAGED, OptionalInt.empty()));
        }
        int flags = stored[1];
        if ((flags & ~(COMPRESSED | ENCRYPTED)) != 0) {
            return Uni.createFrom().item(unreadable(context, Unreadable.UNKNOWN_FORMAT, OptionalInt.empty()));
        }
        if ((flags & ENCRYPTED) == 0) {
            return Uni.createFrom().item(text(context, flags, stored, 2, OptionalInt.empty()));
        }
        OptionalInt keyId = keyIdOf(stored);
        if (keyId.isEmpty()) {
            return Uni.createFrom().item(unreadable(context, Unreadable.DAMAGED, OptionalInt.empty()));
        }
        return keyrings.forDecrypting(context.owner(), keyId.getAsInt())
                .map(keyring -> {
                    if (keyring.isEmpty()) {
                        return unreadable(context, Unreadable.NO_KEYSET, keyId);
                    }
                    byte[] clear;
                    try {
                        clear = keyring.get().aead().decrypt(Arrays.copyOfRange(stored, 2, stored.length), context.associatedData());
                    } catch (GeneralSecurityException e) {
                        return unreadable(context, keyring.get().keyIds().contains(keyId.getAsInt())
                                ? Unreadable.NOT_AUTHENTIC : Unreadable.UNKNOWN_KEY, keyId);
                    }
                    return text(context, flags, clear, 0, keyId);
                })
                .onFailure(KeysetUnreadableException.class).recoverWithItem(failure -> {
                    logOnce(context.owner(), "keyset", failure.getMessage());
                    return unreadable(context, Unreadable.KEYSET_UNREADABLE, keyId);
                });
    }

    /**
     * The stored form of {@code json} as text, for stores that keep the value where only text goes (a
     * session's user data): the JSON text itself when that is its stored form, else U+0001 and the
     * stored form in base64 (no JSON text starts with U+0001; a text that does is sealed, so that it
     * is never misread). A compressed form that base64 makes no shorter than the text is dropped for the
     * text.
     */
    public Uni<String> encodeText(ValueContext context, String json) {
        return encode(context, json).map(stored -> {
            boolean readsAsSealed = !json.isEmpty() && json.charAt(0) == SEALED_TEXT; // never JSON, but never misread either
            if (isText(stored) && !readsAsSealed) {
                return json;
            }
            String sealed = SEALED_TEXT + Base64.getEncoder().withoutPadding().encodeToString(stored);
            return !isEncrypted(stored) && !readsAsSealed && sealed.length() >= json.length() ? json : sealed;
        });
    }

    /** The JSON text of a value stored by {@link #encodeText}; empty when it cannot be read (counted and logged). */
    public Uni<Optional<String>> decodeText(ValueContext context, String stored) {
        if (stored.isEmpty() || stored.charAt(0) != SEALED_TEXT) {
            return Uni.createFrom().item(Optional.of(stored));
        }
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(stored.substring(1));
        } catch (IllegalArgumentException e) {
            return Uni.createFrom().item(unreadable(context, Unreadable.DAMAGED, OptionalInt.empty()));
        }
        if (isText(bytes)) {
            return Uni.createFrom().item(unreadable(context, Unreadable.DAMAGED, OptionalInt.empty()));
        }
        return decode(context, bytes);
    }

    /**
     * A page of entries read whole, their stored values decoded in order: those that can be read with
     * their value as text, the others named apart (counted and logged like any unreadable value).
     *
     * @param stored each entry (its value yet to be decoded) with its value as stored
     */
    public Uni<EntryPage> page(ProjectId project, List<Map.Entry<CacheEntry, byte[]>> stored, Optional<CacheKey> next) {
        return Multi.createFrom().iterable(stored)
                .onItem().transformToUniAndConcatenate(e -> decode(ValueContext.cacheEntry(project, e.getKey().key()), e.getValue())
                        .map(text -> Map.entry(e.getKey(), text)))
                .collect().asList()
                .map(all -> {
                    List<CacheEntry> entries = new ArrayList<>(all.size());
                    List<CacheKey> unreadable = new ArrayList<>();
                    all.forEach(e -> e.getValue().ifPresentOrElse(text -> entries.add(e.getKey().withValue(text)),
                            () -> unreadable.add(e.getKey().key())));
                    return new EntryPage(entries, unreadable, next);
                });
    }

    /** What {@link #reseal} made of a stored value. */
    public sealed interface Resealed {

        /** Already in the form its owner writes now: nothing to write. */
        record Current() implements Resealed {
        }

        /** The same value in the form its owner writes now. */
        record Rewritten(byte[] stored) implements Resealed {
        }

        /** It cannot be read (counted and logged like any unreadable value); left as it is. */
        record Unreadable() implements Resealed {
        }
    }

    private static final Resealed CURRENT = new Resealed.Current();
    private static final Resealed UNREADABLE_VALUE = new Resealed.Unreadable();

    /**
     * A stored value brought to the form its owner writes now, as far as keys go: encrypted under
     * the owner's primary key when its owner encrypts, in clear when it does not. Compression is
     * left as it was written.
     */
    public Uni<Resealed> reseal(ValueContext context, byte[] stored) {
        OptionalInt keyId = keyIdOf(stored);
        Uni<Boolean> current = !formats.apply(context.owner()).encrypt()
                ? Uni.createFrom().item(!isEncrypted(stored))
                : keyId.isEmpty()
                        ? Uni.createFrom().item(false)
                        : keyrings.forEncrypting(context.owner()).map(keyring -> keyring.primaryKeyId() == keyId.getAsInt());
        return current.chain(isCurrent -> isCurrent
                ? Uni.createFrom().item(CURRENT)
                : decode(context, stored).chain(text -> text.isEmpty()
                        ? Uni.createFrom().item(UNREADABLE_VALUE)
                        : encode(context, text.get()).map(Resealed.Rewritten::new)));
    }

    /** The id of the key a stored value is encrypted with; empty when it is not encrypted. */
    public static OptionalInt keyIdOf(byte[] stored) {
        if (stored.length < 2 + TINK_PREFIX || stored[0] != FORMAT_1 || (stored[1] & ENCRYPTED) == 0
                || stored[2] != TINK_VERSION) {
            return OptionalInt.empty();
        }
        return OptionalInt.of(((stored[3] & 0xff) << 24) | ((stored[4] & 0xff) << 16) | ((stored[5] & 0xff) << 8)
                | (stored[6] & 0xff));
    }

    /** Whether a stored value is the value's UTF-8 text itself: neither compressed nor encrypted. */
    public static boolean isText(byte[] stored) {
        return stored.length == 0 || stored[0] != FORMAT_1;
    }

    /** Whether a stored value is encrypted (whether or not its key can still be named). */
    public static boolean isEncrypted(byte[] stored) {
        return stored.length >= 2 && stored[0] == FORMAT_1 && (stored[1] & ENCRYPTED) != 0;
    }

    /** Whether a stored value is compressed. */
    public static boolean isCompressed(byte[] stored) {
        return stored.length >= 2 && stored[0] == FORMAT_1 && (stored[1] & COMPRESSED) != 0;
    }

    /** The text in {@code payload} from {@code offset} on: read in place, not copied first. */
    private Optional<String> text(ValueContext context, int flags, byte[] payload, int offset, OptionalInt keyId) {
        int length = payload.length - offset;
        if ((flags & COMPRESSED) == 0) {
            return Optional.of(new String(payload, offset, length, StandardCharsets.UTF_8));
        }
        long size = Zstd.getFrameContentSize(payload, offset, length);
        if (size < 0 || size > maxTextBytes) {
            return unreadable(context, Unreadable.DAMAGED, keyId);
        }
        try {
            return Optional.of(new String(DECOMPRESSING.get().decompress(payload, offset, length, (int) size), StandardCharsets.UTF_8));
        } catch (ZstdException e) {
            return unreadable(context, Unreadable.DAMAGED, keyId);
        }
    }

    private Optional<String> unreadable(ValueContext context, Unreadable reason, OptionalInt keyId) {
        unreadable.get(reason).increment();
        String key = keyId.isPresent() ? "key " + Integer.toUnsignedString(keyId.getAsInt()) : "no key";
        logOnce(context.owner(), reason.tag + "/" + key, "a stored " + context.kind() + " value (" + key + ") cannot be read ("
                + reason.tag + "); it reads as absent");
        return Optional.empty();
    }

    private void logOnce(KeysetOwner owner, String what, String message) {
        if (logged.size() < MAX_LOGGED && logged.add(owner.value() + "/" + what)) {
            LOG.warnf("%s: %s", owner, message);
        }
    }

    private static byte[] framed(int flags, byte[] payload) {
        byte[] out = new byte[2 + payload.length];
        out[0] = FORMAT_1;
        out[1] = (byte) flags;
        System.arraycopy(payload, 0, out, 2, payload.length);
        return out;
    }
}
