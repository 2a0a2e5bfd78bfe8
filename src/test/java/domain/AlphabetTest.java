package domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import domain.access.ApiKeyName;
import domain.progress.ProgressId;
import domain.ratelimit.Identifier;
import domain.ratelimit.IdentifierScope;
import domain.ratelimit.PolicyName;
import domain.session.SessionId;
import domain.session.UserId;
import domain.task.IdempotencyKey;
import domain.task.LeaseToken;
import domain.task.QueueName;
import domain.task.TaskId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The identifiers' rules, checked by {@link Alphabet} tables, accept exactly what the regular
 * expressions that stated them before accepted: edge cases and many random strings, each put to the
 * value's constructor and to its expression side by side.
 */
class AlphabetTest {

    /** Each identifier's constructor, with the regular expression its rule was written as. */
    private static final List<Map.Entry<String, Consumer<String>>> RULES = List.of(
            Map.entry("[A-Za-z0-9_-]{1,64}", TaskId::new),
            Map.entry("[A-Za-z0-9._-]{1,128}", LeaseToken::new),
            Map.entry("[a-z0-9][a-z0-9_-]{0,63}", QueueName::new),
            Map.entry("[A-Za-z0-9._:~-]{1,128}", IdempotencyKey::new),
            Map.entry("[A-Za-z0-9._:@+~-]{1,128}", value -> new Identifier(IdentifierScope.USER, value)),
            Map.entry("[a-z0-9][a-z0-9_.-]{0,63}", PolicyName::new),
            Map.entry("[A-Za-z0-9._:@+~-]{1,128}", UserId::new),
            Map.entry("[0-9a-f]{16}[A-Za-z0-9_-]{22}", SessionId::new),
            Map.entry("[A-Za-z0-9._-]{1,64}", ApiKeyName::new));

    @Test
    void readsRangesAndADashFirstOrLastAsItself() {
        Alphabet alphabet = Alphabet.of("a-c_-");
        assertThat("abc_-".chars()).allMatch(c -> alphabet.contains((char) c.intValue()));
        assertThat("dA`{.\u00e9\u0100".chars()).noneMatch(c -> alphabet.contains((char) c.intValue()));
        assertThat(Alphabet.of("-a").contains('-')).isTrue();
        assertThatThrownBy(() -> Alphabet.of("z-a")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Alphabet.of("a-\u00ff")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void spansOnlyTextOfItsLengthsAndCharacters() {
        Alphabet lower = Alphabet.of("a-z");
        assertThat(lower.spans(null, 0, 3)).isFalse();
        assertThat(lower.spans("", 0, 3)).isTrue();
        assertThat(lower.spans("", 1, 3)).isFalse();
        assertThat(lower.spans("abcd", 1, 3)).isFalse();
        assertThat(lower.spans("ab", 1, 3, Alphabet.of("0-9"))).isFalse();
        assertThat(lower.spans("1b", 1, 3, Alphabet.of("0-9"))).isTrue();
        assertThat(lower.spans("", 0, 3, Alphabet.of("0-9"))).as("a first character is required").isFalse();
    }

    @Test
    void acceptsWhatEachIdentifiersRegularExpressionAccepts() {
        SplittableRandom random = new SplittableRandom(20261207);
        // Characters on and around every rule's edges: each range's ends and their neighbours, the
        // punctuation of the alphabets, a letter outside ASCII that folds to one inside it, surrogates.
        String pool = "azAZ09`{@[/:.-_~+ \t\u0000\u007f\u0080\u00e9\u212a\u0131\ud83d\ude00";
        List<String> samples = new ArrayList<>(List.of("", "a", "-", "_", ".", "..", "a".repeat(64), "a".repeat(65),
                "a".repeat(128), "a".repeat(129), "0123456789abcdef" + "A".repeat(22), "0123456789abcdeF" + "A".repeat(22)));
        for (int i = 0; i < 20_000; i++) {
            int length = random.nextInt(4) == 0 ? random.nextInt(36, 42) : random.nextInt(0, 8);
            StringBuilder s = new StringBuilder();
            for (int j = 0; j < length; j++) {
                s.append(random.nextInt(3) == 0 ? pool.charAt(random.nextInt(pool.length())) : (char) random.nextInt(0x21, 0x7f));
            }
            samples.add(s.toString());
        }
        for (Map.Entry<String, Consumer<String>> rule : RULES) {
            Pattern expression = Pattern.compile(rule.getKey());
            for (String sample : samples) {
                assertThat(accepts(rule.getValue(), sample)).as("%s on %s", rule.getKey(), sample)
                        .isEqualTo(expression.matcher(sample).matches());
            }
        }
    }

    @Test
    void keepsTheProgressIdsOwnExceptionsToItsAlphabet() {
        assertThat(accepts(ProgressId::new, "op-1.2~x_Y")).isTrue();
        assertThat(accepts(ProgressId::new, ".")).isFalse();
        assertThat(accepts(ProgressId::new, "..")).isFalse();
        assertThat(accepts(ProgressId::new, "a/b")).isFalse();
        assertThat(accepts(ProgressId::new, "x".repeat(129))).isFalse();
    }

    @Test
    void refusesAMissingValue() {
        RULES.forEach(rule -> assertThat(accepts(rule.getValue(), null)).isFalse());
    }

    private static boolean accepts(Consumer<String> constructor, String value) {
        try {
            constructor.accept(value);
            return true;
        } catch (InvalidValueException e) {
            return false;
        }
    }
}
