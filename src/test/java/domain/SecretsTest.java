package domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class SecretsTest {

    @Test
    void digestsAsSha256InLowercaseHex() {
        // FIPS 180-2's test vectors.
        assertThat(Secrets.sha256Hex("abc")).isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assertThat(Secrets.sha256Hex("")).isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    }

    @Test
    void digestsTheUtf8BytesOfTheValue() {
        assertThat(Secrets.sha256Hex("é")).isEqualTo("4a99557e4033c3539de2eb65472017cad5f9557f7a0625a09f1c3f6e2ba69c4c")
                .isNotEqualTo(Secrets.sha256Hex("e"));
    }

    @Test
    void givesEachConcurrentCallerItsOwnDigest() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<Boolean>> calls = IntStream.range(0, 8).<Callable<Boolean>>mapToObj(i -> () -> {
                boolean same = true;
                for (int n = 0; n < 5_000; n++) {
                    same &= Secrets.sha256Hex("abc").equals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
                }
                return same;
            }).toList();
            for (Future<Boolean> result : pool.invokeAll(calls)) {
                assertThat(result.get()).isTrue();
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
