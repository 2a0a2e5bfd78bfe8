package domain.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import domain.InvalidValueException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class KeyMaterialTest {

    @Test
    void keepsAnObjectsMembersSortedByTheirNamesAsUtf16CodeUnits() {
        KeyMaterial.Members object = new KeyMaterial.Members(List.of(member("\ufb00"), member("\ud83d\ude00"), member("é"),
                member("a"), member("A"), member("")));

        assertThat(object.members()).extracting(KeyMaterial.Member::name)
                .containsExactly("", "A", "a", "é", "\ud83d\ude00", "\ufb00");
    }

    @Test
    void refusesAnObjectThatNamesAMemberTwice() {
        assertThatThrownBy(() -> new KeyMaterial.Members(List.of(member("a"), member("b"), member("a"))))
                .isInstanceOf(InvalidValueException.class)
                .hasMessageContaining("member name twice");
    }

    @ParameterizedTest
    @ValueSource(strings = {"\ud800", "a\udc00", "\ud83d", "x\ude00y"})
    void refusesStringsAndNamesWithAnUnpairedSurrogate(String text) {
        assertThatThrownBy(() -> new KeyMaterial.Text(text)).isInstanceOf(InvalidValueException.class)
                .hasMessageContaining("unpaired UTF-16 surrogate");
        assertThatThrownBy(() -> member(text)).isInstanceOf(InvalidValueException.class)
                .hasMessageContaining("unpaired UTF-16 surrogate");
    }

    @Test
    void readsANumberAsTheNearestDouble() {
        assertThat(KeyMaterial.Numeric.parse("9007199254740993").value()).isEqualTo(9007199254740992.0);
        assertThat(KeyMaterial.Numeric.parse("4.35").value()).isEqualTo(4.35);
        assertThat(KeyMaterial.Numeric.parse("-0").value()).isEqualTo(-0.0);
        assertThat(KeyMaterial.Numeric.parse("0e-999").value()).isZero();
        assertThat(KeyMaterial.Numeric.parse("3e-324").value()).isEqualTo(Double.MIN_VALUE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"1e400", "-1e400", "1.8e308"})
    void refusesANumberBeyondTheRangeOfADouble(String json) {
        assertThatThrownBy(() -> KeyMaterial.Numeric.parse(json)).isInstanceOf(InvalidValueException.class)
                .hasMessageContaining("beyond the range of a double");
    }

    @Test
    void refusesAWholeNumberOfFourHundredDigits() {
        assertThatThrownBy(() -> KeyMaterial.Numeric.parse("1" + "0".repeat(400))).isInstanceOf(InvalidValueException.class)
                .hasMessageContaining("beyond the range of a double");
    }

    @ParameterizedTest
    @ValueSource(strings = {"1e-400", "-2e-324", "0.0000000001e-320"})
    void refusesANonZeroNumberThatADoubleRoundsToZero(String json) {
        assertThatThrownBy(() -> KeyMaterial.Numeric.parse(json)).isInstanceOf(InvalidValueException.class)
                .hasMessageContaining("rounds it to 0");
    }

    @ParameterizedTest
    @ValueSource(strings = {"NaN", "Infinity", "0x1p3", "1d", "+1", ".5", "01", "1.", ""})
    void refusesWhatTheJsonGrammarDoesNotCallANumber(String text) {
        assertThatThrownBy(() -> KeyMaterial.Numeric.parse(text)).isInstanceOf(InvalidValueException.class)
                .hasMessageContaining("not a JSON number");
    }

    @Test
    void refusesNaNAndTheInfinitiesAsValues() {
        assertThatThrownBy(() -> new KeyMaterial.Numeric(Double.NaN)).isInstanceOf(InvalidValueException.class);
        assertThatThrownBy(() -> new KeyMaterial.Numeric(Double.NEGATIVE_INFINITY)).isInstanceOf(InvalidValueException.class);
    }

    private static KeyMaterial.Member member(String name) {
        return new KeyMaterial.Member(name, KeyMaterial.Literal.NULL);
    }
}
