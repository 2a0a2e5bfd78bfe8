package domain.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import domain.InvalidValueException;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CachePolicyTest {

    private static final Precondition ALWAYS = Precondition.always();
    private static final String EMOJI = "\uD83D\uDE00"; // U+1F600, a surrogate pair: 4 bytes in UTF-8

    /** A policy as a deployment might set it: 1 h default, 1 day maximum, 1 KiB values, 3 tags. */
    private static CachePolicy ordinaryPolicy() {
        return new CachePolicy(Ttl.ofSeconds(3600), Ttl.ofSeconds(86_400), 1024, 3);
    }

    private static CachePolicy policyWithMaxValueBytes(long maxValueBytes) {
        return new CachePolicy(Ttl.ofSeconds(60), Ttl.ofSeconds(60), maxValueBytes, 3);
    }

    @Test
    void usesTheDefaultTtlWhenNoneIsRequested() {
        CacheWrite write = ordinaryPolicy().write("{}", OptionalLong.empty(), Set.of(), ALWAYS);

        assertThat(write.ttl()).isEqualTo(Ttl.ofSeconds(3600));
    }

    @Test
    void usesTheRequestedTtlWithinBounds() {
        CachePolicy policy = ordinaryPolicy();

        assertThat(policy.ttlFor(OptionalLong.of(1))).isEqualTo(Ttl.ofSeconds(1));
        assertThat(policy.ttlFor(OptionalLong.of(86_400))).isEqualTo(Ttl.ofSeconds(86_400));
        assertThat(policy.write("{}", OptionalLong.of(30), Set.of(), ALWAYS).ttl()).isEqualTo(Ttl.ofSeconds(30));
    }

    @Test
    void rejectsATtlAboveTheMaximumNamingTtlSeconds() {
        assertThatThrownBy(() -> ordinaryPolicy().ttlFor(OptionalLong.of(86_401)))
                .isInstanceOf(InvalidValueException.class)
                .hasMessageContaining("ttlSeconds")
                .hasMessageContaining("86400");
    }

    @Test
    void rejectsATtlBelowOneSecondNamingTtlSeconds() {
        assertThatThrownBy(() -> ordinaryPolicy().ttlFor(OptionalLong.of(0)))
                .isInstanceOf(InvalidValueException.class)
                .hasMessageContaining("ttlSeconds");
        assertThatThrownBy(() -> ordinaryPolicy().write("{}", OptionalLong.of(-1), Set.of(), ALWAYS))
                .isInstanceOf(InvalidValueException.class)
                .hasMessageContaining("ttlSeconds");
    }

    @Test
    void carriesTheValueTagsAndPreconditionIntoTheWrite() {
        Precondition ifVersion = new Precondition.IfVersion(3);
        Set<CacheTag> tags = Set.of(CacheTag.of("a"), CacheTag.of("b"));

        CacheWrite write = ordinaryPolicy().write("{\"n\":1}", OptionalLong.empty(), tags, ifVersion);

        assertThat(write.value()).isEqualTo("{\"n\":1}");
        assertThat(write.tags()).isEqualTo(tags);
        assertThat(write.precondition()).isEqualTo(ifVersion);
    }

    @Test
    void acceptsAValueOfExactlyTheLimit() {
        CacheWrite write = policyWithMaxValueBytes(4).write("\"ab\"", OptionalLong.empty(), Set.of(), ALWAYS);

        assertThat(write.value()).isEqualTo("\"ab\"");
    }

    @Test
    void rejectsAValueOverTheLimit() {
        assertThatThrownBy(() -> policyWithMaxValueBytes(4).write("\"abc\"", OptionalLong.empty(), Set.of(), ALWAYS))
                .isInstanceOfSatisfying(ValueTooLargeException.class, e -> assertThat(e.limitBytes()).isEqualTo(4))
                .hasMessageContaining("5 bytes")
                .hasMessageContaining("limit of 4 bytes");
    }

    @Test
    void countsTwoByteCharactersAsTwoBytes() {
        CachePolicy policy = policyWithMaxValueBytes(4);

        assertThat(policy.write("éé", OptionalLong.empty(), Set.of(), ALWAYS).value()).isEqualTo("éé");
        assertThatThrownBy(() -> policy.write("ééé", OptionalLong.empty(), Set.of(), ALWAYS))
                .isInstanceOf(ValueTooLargeException.class)
                .hasMessageContaining("6 bytes");
    }

    @Test
    void countsThreeByteCharactersAsThreeBytes() {
        CachePolicy policy = policyWithMaxValueBytes(4);

        assertThat(policy.write("€a", OptionalLong.empty(), Set.of(), ALWAYS).value()).isEqualTo("€a");
        assertThatThrownBy(() -> policy.write("€é", OptionalLong.empty(), Set.of(), ALWAYS))
                .isInstanceOf(ValueTooLargeException.class)
                .hasMessageContaining("5 bytes");
    }

    @Test
    void countsASurrogatePairAsFourBytes() {
        CachePolicy policy = policyWithMaxValueBytes(4);

        assertThat(policy.write(EMOJI, OptionalLong.empty(), Set.of(), ALWAYS).value()).isEqualTo(EMOJI);
        assertThatThrownBy(() -> policy.write(EMOJI + "a", OptionalLong.empty(), Set.of(), ALWAYS))
                .isInstanceOf(ValueTooLargeException.class)
                .hasMessageContaining("5 bytes");
    }

    @Test
    void countsBytesExactlyAsJavaEncodesUtf8() {
        String mixed = "{\"name\":\"Zoë\",\"city\":\"東京\",\"mood\":\"" + EMOJI + "\"}";
        int utf8 = mixed.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;

        assertThat(CachePolicy.utf8Length(mixed)).isEqualTo(utf8);
    }

    @Test
    void acceptsUpToTheTagLimit() {
        Set<CacheTag> three = Set.of(CacheTag.of("a"), CacheTag.of("b"), CacheTag.of("c"));

        assertThat(ordinaryPolicy().write("{}", OptionalLong.empty(), three, ALWAYS).tags()).hasSize(3);
    }

    @Test
    void rejectsMoreTagsThanAllowed() {
        Set<CacheTag> four = Set.of(CacheTag.of("a"), CacheTag.of("b"), CacheTag.of("c"), CacheTag.of("d"));

        assertThatThrownBy(() -> ordinaryPolicy().write("{}", OptionalLong.empty(), four, ALWAYS))
                .isInstanceOf(InvalidValueException.class)
                .hasMessageContaining("at most 3 tags");
    }

    @Test
    void rejectsADefaultTtlAboveTheMaximum() {
        assertThatThrownBy(() -> new CachePolicy(Ttl.ofSeconds(61), Ttl.ofSeconds(60), 1024, 3))
                .isInstanceOf(InvalidValueException.class)
                .hasMessageContaining("default ttl must not exceed the maximum");
    }

    @Test
    void acceptsADefaultTtlEqualToTheMaximum() {
        CachePolicy policy = new CachePolicy(Ttl.ofSeconds(60), Ttl.ofSeconds(60), 1024, 3);

        assertThat(policy.ttlFor(OptionalLong.empty())).isEqualTo(Ttl.ofSeconds(60));
    }

    @Test
    void rejectsANonPositiveValueLimitOrANegativeTagLimit() {
        assertThatThrownBy(() -> new CachePolicy(Ttl.ofSeconds(1), Ttl.ofSeconds(1), 0, 3))
                .isInstanceOf(InvalidValueException.class);
        assertThatThrownBy(() -> new CachePolicy(Ttl.ofSeconds(1), Ttl.ofSeconds(1), 1, -1))
                .isInstanceOf(InvalidValueException.class);
    }
}
