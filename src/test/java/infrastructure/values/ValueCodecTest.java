package infrastructure.values;

import domain.encryption.ValueFormat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.luben.zstd.Zstd;
import domain.cache.CacheKey;
import domain.project.ProjectId;
import infrastructure.memory.InMemoryProjectKeysets;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smallrye.mutiny.Uni;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import support.ValueCodecs;

/** The value chain alone: its stored forms, and every way a stored value can fail to read. */
class ValueCodecTest {

    private static final ProjectId SHOP = ProjectId.of("shop");
    private static final ValueContext PRICES = ValueContext.cacheEntry(SHOP, CacheKey.of("prices"));

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final InMemoryProjectKeysets keysets = new InMemoryProjectKeysets();

    private ValueCodec codec(ValueFormat format) {
        return ValueCodecs.of(format, keysets, meters);
    }

    private static <T> T await(Uni<T> uni) {
        return uni.await().atMost(Duration.ofSeconds(10));
    }

    private double unreadable(String reason) {
        return meters.get(ValueCodec.UNREADABLE).tag("reason", reason).counter().count();
    }

    private static String repetitive(int size) {
        return "\"" + "abc ".repeat(size / 4) + "\"";
    }

    @Test
    void storesAValueBelowTheCompressionSizeAsItsOwnText() {
        byte[] stored = await(codec(ValueFormat.DEFAULT).encode(PRICES, "{\"eur\":1}"));

        assertThat(new String(stored, StandardCharsets.UTF_8)).isEqualTo("{\"eur\":1}");
    }

    @Test
    void compressesAValueFromTheCompressionSizeOn() {
        String value = repetitive(1024);
        ValueCodec codec = codec(ValueFormat.DEFAULT);

        byte[] stored = await(codec.encode(PRICES, value));

        assertThat(ValueCodec.isCompressed(stored)).isTrue();
        assertThat(stored.length).isLessThan(value.length() / 10);
        assertThat(await(codec.decode(PRICES, stored))).contains(value);
    }

    @Test
    void keepsAsTextAValueThatCompressionWouldNotShrink() {
        byte[] random = new byte[3000];
        new java.util.Random(1).nextBytes(random);
        String value = "\"" + Base64.getEncoder().encodeToString(random) + "\"";

        byte[] stored = await(codec(new ValueFormat(true, 19, 0, false)).encode(PRICES, value));

        assertThat(ValueCodec.isText(stored) || stored.length < value.length()).isTrue();
        assertThat(await(codec(ValueFormat.DEFAULT).decode(PRICES, stored))).contains(value);
    }

    @Test
    void encryptsUnderTheProjectsPrimaryKeyAndNamesItInTheValue() {
        ValueCodec codec = codec(new ValueFormat(true, 3, 1024, true));

        byte[] stored = await(codec.encode(PRICES, "{\"eur\":1}"));

        assertThat(ValueCodec.keyIdOf(stored)).isPresent();
        assertThat(new String(stored, StandardCharsets.ISO_8859_1)).doesNotContain("eur");
        assertThat(await(codec.decode(PRICES, stored))).contains("{\"eur\":1}");
        assertThat(await(codec.encode(PRICES, "{\"eur\":1}"))).as("a fresh nonce each time").isNotEqualTo(stored);
    }

    @Test
    void readsAValueOfAnUnknownFormatAsAbsent() {
        byte[] stored = {0x01, 0x04, 'x'};

        assertThat(await(codec(ValueFormat.DEFAULT).decode(PRICES, stored))).isEmpty();
        assertThat(unreadable("unknown-format")).isEqualTo(1);
    }

    @Test
    void readsATruncatedValueAsAbsent() {
        ValueCodec codec = codec(new ValueFormat(true, 3, 0, true));
        byte[] stored = await(codec.encode(PRICES, repetitive(2000)));

        assertThat(await(codec.decode(PRICES, new byte[] {0x01}))).isEmpty();
        assertThat(await(codec.decode(PRICES, java.util.Arrays.copyOf(stored, 5)))).isEmpty();
        assertThat(await(codec.decode(PRICES, java.util.Arrays.copyOf(stored, stored.length - 1)))).isEmpty();
        assertThat(unreadable("damaged")).isEqualTo(2);
        assertThat(unreadable("not-authentic")).isEqualTo(1);
    }

    @Test
    void readsACompressedValueClaimingMoreThanTheLargestValueAsAbsent() {
        byte[] bomb = Zstd.compress(new byte[2 << 20], 3);
        byte[] stored = new byte[2 + bomb.length];
        stored[0] = 0x01;
        stored[1] = 0x01;
        System.arraycopy(bomb, 0, stored, 2, bomb.length);
        ValueCodec small = new ValueCodec(p -> ValueFormat.DEFAULT, ValueCodecs.keyrings(keysets, ValueCodecs.randomKek()), 1 << 20,
                meters);

        assertThat(await(small.decode(PRICES, stored))).isEmpty();
        assertThat(unreadable("damaged")).isEqualTo(1);
    }

    @Test
    void readsAnEncryptedValueAsAbsentWhenNoKeyEncryptionKeyIsConfigured() {
        byte[] stored = await(codec(new ValueFormat(false, 3, 0, true)).encode(PRICES, "1"));
        ValueCodec keyless = new ValueCodec(p -> ValueFormat.DEFAULT,
                new ProjectKeyrings(keysets, Optional.empty(), Duration.ofSeconds(10), System::nanoTime, java.time.Clock.systemUTC(), application.RequestContexts.NONE), 1 << 20, meters);

        assertThat(await(keyless.decode(PRICES, stored))).isEmpty();
        assertThat(unreadable("keyset-unreadable")).isEqualTo(1);
        assertThatThrownBy(() -> await(new ValueCodec(p -> new ValueFormat(false, 3, 0, true),
                new ProjectKeyrings(new InMemoryProjectKeysets(), Optional.empty(), Duration.ofSeconds(10), System::nanoTime, java.time.Clock.systemUTC(), application.RequestContexts.NONE),
                1 << 20, meters).encode(PRICES, "1")))
                .isInstanceOf(KeysetUnreadableException.class).hasMessageContaining("no key-encryption key is configured");
    }

    @Test
    void bindsACiphertextToItsKindAsWellAsItsProjectAndName() {
        ValueCodec codec = codec(new ValueFormat(false, 3, 0, true));
        byte[] stored = await(codec.encode(PRICES, "1"));

        assertThat(await(codec.decode(new ValueContext(domain.encryption.KeysetOwner.of(SHOP), "session", "prices"), stored))).isEmpty();
        assertThat(await(codec.decode(ValueContext.cacheEntry(SHOP, CacheKey.of("prices2")), stored))).isEmpty();
        assertThat(await(codec.decode(PRICES, stored))).contains("1");
    }

    // --- the text form, for user data kept where only text goes

    private static final ValueContext ADA_SESSION = ValueContext.sessionData(domain.session.SessionId.newFor(domain.session.UserId.of("ada")));

    @Test
    void keepsAValueAsItsOwnTextWhenItIsStoredAsText() {
        assertThat(await(codec(ValueFormat.DEFAULT).encodeText(ADA_SESSION, "{\"name\":\"Ada\"}"))).isEqualTo("{\"name\":\"Ada\"}");
        assertThat(await(codec(ValueFormat.DEFAULT).decodeText(ADA_SESSION, "{\"name\":\"Ada\"}"))).contains("{\"name\":\"Ada\"}");
    }

    @Test
    void keepsAnEncryptedValueAsBase64AfterAMarkNoJsonTextStartsWith() {
        ValueCodec codec = codec(new ValueFormat(false, 3, 1024, true));

        String stored = await(codec.encodeText(ADA_SESSION, "{\"name\":\"Ada\"}"));

        assertThat(stored).startsWith("\u0001").doesNotContain("Ada");
        assertThat(ValueCodec.keyIdOf(java.util.Base64.getDecoder().decode(stored.substring(1)))).isPresent();
        assertThat(await(codec.decodeText(ADA_SESSION, stored))).contains("{\"name\":\"Ada\"}");
    }

    @Test
    void sealsATextThatStartsLikeASealedOneSoThatItIsNeverMisread() {
        ValueCodec codec = codec(ValueFormat.DEFAULT);
        String odd = "\u0001not JSON, yet given";

        String stored = await(codec.encodeText(ADA_SESSION, odd));

        assertThat(stored).isNotEqualTo(odd);
        assertThat(await(codec.decodeText(ADA_SESSION, stored))).contains(odd);
    }

    @Test
    void readsATextFormThatIsNotBase64OrHoldsPlainTextAsDamaged() {
        ValueCodec codec = codec(ValueFormat.DEFAULT);

        assertThat(await(codec.decodeText(ADA_SESSION, "\u0001not base64!"))).isEmpty();
        assertThat(await(codec.decodeText(ADA_SESSION, "\u0001" + java.util.Base64.getEncoder().encodeToString("{}".getBytes(StandardCharsets.UTF_8)))))
                .isEmpty();
        assertThat(unreadable("damaged")).isEqualTo(2);
    }

    @Test
    void bindsASessionsUserDataToItsSession() {
        ValueCodec codec = codec(new ValueFormat(false, 3, 1024, true));
        String stored = await(codec.encodeText(ADA_SESSION, "{\"role\":\"admin\"}"));
        ValueContext other = ValueContext.sessionData(domain.session.SessionId.newFor(domain.session.UserId.of("ada")));

        assertThat(await(codec.decodeText(other, stored))).isEmpty();
        assertThat(unreadable("not-authentic")).isEqualTo(1);
    }
}
