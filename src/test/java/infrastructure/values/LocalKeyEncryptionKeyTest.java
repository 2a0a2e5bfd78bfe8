package infrastructure.values;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import support.ValueCodecs;

/** The operator's key-encryption key: its checks never quote it, and what it wraps is bound to a context. */
class LocalKeyEncryptionKeyTest {

    @Test
    void refusesAKeyOfTheWrongLengthWithoutQuotingIt() {
        String sixteenBytes = Base64.getEncoder().encodeToString("0123456789abcdef".getBytes(StandardCharsets.US_ASCII));

        assertThatThrownBy(() -> LocalKeyEncryptionKey.fromBase64(sixteenBytes))
                .hasMessageContaining("32 bytes").hasMessageNotContaining(sixteenBytes);
        assertThatThrownBy(() -> LocalKeyEncryptionKey.fromBase64("not base64 at all!"))
                .hasMessageContaining("not base64").hasMessageNotContaining("not base64 at all!");
    }

    @Test
    void namesTheKeyByADigestThatDiffersBetweenKeys() {
        String key = ValueCodecs.randomKek();
        LocalKeyEncryptionKey one = LocalKeyEncryptionKey.fromBase64(key);

        assertThat(one.id()).isEqualTo(LocalKeyEncryptionKey.fromBase64(key).id()).startsWith("local-").doesNotContain(key);
        assertThat(one.id()).isNotEqualTo(LocalKeyEncryptionKey.fromBase64(ValueCodecs.randomKek()).id());
    }

    @Test
    void unwrapsOnlyWithTheSameContext() {
        LocalKeyEncryptionKey kek = LocalKeyEncryptionKey.fromBase64(ValueCodecs.randomKek());
        byte[] wrapped = kek.wrap(new byte[] {1, 2, 3}, "shop".getBytes(StandardCharsets.UTF_8)).await().atMost(Duration.ofSeconds(5));

        assertThat(kek.unwrap(wrapped, "shop".getBytes(StandardCharsets.UTF_8)).await().atMost(Duration.ofSeconds(5)))
                .containsExactly(1, 2, 3);
        assertThatThrownBy(() -> kek.unwrap(wrapped, "blog".getBytes(StandardCharsets.UTF_8)).await().atMost(Duration.ofSeconds(5)))
                .isInstanceOf(KeysetUnreadableException.class);
    }
}
