package support;

import domain.encryption.ProjectKeysets;
import infrastructure.memory.InMemoryProjectKeysets;
import infrastructure.values.LocalKeyEncryptionKey;
import infrastructure.values.ProjectKeyrings;
import infrastructure.values.ValueCodec;
import domain.encryption.ValueFormat;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;

/** Value codecs for tests that build adapters by hand. */
public final class ValueCodecs {

    private ValueCodecs() {
    }

    /** The service's default: compressed from 1 KiB, in clear. */
    public static ValueCodec standard() {
        return of(ValueFormat.DEFAULT, new InMemoryProjectKeysets(), new SimpleMeterRegistry());
    }

    /** Every value stored as its text: what a test measuring the store's room needs. */
    public static ValueCodec asText() {
        return of(new ValueFormat(false, 3, 1024, false), new InMemoryProjectKeysets(), new SimpleMeterRegistry());
    }

    /** Every project's values compressed from 1 KiB and encrypted, under a fresh key-encryption key. */
    public static ValueCodec encrypting(ProjectKeysets keysets, MeterRegistry meters) {
        return of(new ValueFormat(true, 3, 1024, true), keysets, meters);
    }

    public static ValueCodec of(ValueFormat format, ProjectKeysets keysets, MeterRegistry meters) {
        return new ValueCodec(project -> format, keyrings(keysets, randomKek()), 1 << 24, meters);
    }

    public static ProjectKeyrings keyrings(ProjectKeysets keysets, String kekBase64) {
        return keyrings(keysets, kekBase64, Duration.ofSeconds(10));
    }

    /**
     * @param refresh how long a keyset is used before it is read again; with a write margin of a tenth of
     *                it, how long a rotation waits before its walk (in process, a write takes far less)
     */
    public static ProjectKeyrings keyrings(ProjectKeysets keysets, String kekBase64, Duration refresh) {
        return new ProjectKeyrings(keysets, Optional.of(LocalKeyEncryptionKey.fromBase64(kekBase64)), refresh, refresh.dividedBy(10),
                System::nanoTime, java.time.Clock.systemUTC(), application.RequestContexts.NONE);
    }

    /** A fresh key-encryption key, in base64. */
    public static String randomKek() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }
}
