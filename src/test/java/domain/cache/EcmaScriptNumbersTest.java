package domain.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EcmaScriptNumbersTest {

    @ParameterizedTest(name = "{0} is written {1}")
    @CsvSource(delimiter = '|', value = {
            "5e-324                  | 5e-324",
            "4.9e-324                | 5e-324",
            "1e-323                  | 1e-323",
            "1.7976931348623157e308  | 1.7976931348623157e+308",
            "2e23                    | 2e+23",
            "1e23                    | 1e+23",
            "1e21                    | 1e+21",
            "1e20                    | 100000000000000000000",
            "123456789012345680000   | 123456789012345680000",
            "8.41e21                 | 8.41e+21",
            "2.82879384806159e17     | 282879384806159000",
            "1e-7                    | 1e-7",
            "1.5e-7                  | 1.5e-7",
            "0.000001                | 0.000001",
            "0.00001                 | 0.00001",
            "9.99e-7                 | 9.99e-7",
            "333333333.3333333       | 333333333.3333333",
            "9007199254740993        | 9007199254740992",
            "9007199254740991        | 9007199254740991",
            "4.35                    | 4.35",
            "0.1                     | 0.1",
            "0.30000000000000004     | 0.30000000000000004",
            "2.2250738585072014e-308 | 2.2250738585072014e-308",
            "123.456                 | 123.456",
            "1                       | 1",
            "100                     | 100",
            "-4.35                   | -4.35",
            "-1e21                   | -1e+21",
            "-5e-324                 | -5e-324",
            "-1.5e-7                 | -1.5e-7",
            "-1                      | -1"})
    void writesTheShortestDigitsInTheNotationOfEcmaScript(String json, String expected) {
        assertThat(EcmaScriptNumbers.format(Double.parseDouble(json))).isEqualTo(expected);
    }

    @Test
    void writesTheSumOfATenthAndTwoTenthsWithAllItsDigits() {
        assertThat(EcmaScriptNumbers.format(0.1 + 0.2)).isEqualTo("0.30000000000000004");
    }

    @Test
    void writesNegativeZeroAsZero() {
        assertThat(EcmaScriptNumbers.format(-0.0)).isEqualTo("0");
        assertThat(EcmaScriptNumbers.format(0.0)).isEqualTo("0");
    }

    @Test
    void switchesToExponentNotationAt1e21AndBelow1e6() {
        assertThat(EcmaScriptNumbers.format(999999999999999900000.0)).isEqualTo("999999999999999900000");
        assertThat(EcmaScriptNumbers.format(1e21)).isEqualTo("1e+21");
        assertThat(EcmaScriptNumbers.format(0.000001)).isEqualTo("0.000001");
        assertThat(EcmaScriptNumbers.format(0.00000099)).isEqualTo("9.9e-7");
    }

    @Test
    void refusesNaNAndTheInfinities() {
        for (double x : new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}) {
            assertThatThrownBy(() -> EcmaScriptNumbers.format(x)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void everyTextReadsBackAsTheSameDoubleWithNoMoreDigitsThanJavaWrites() {
        SplittableRandom random = new SplittableRandom(8785);
        for (int i = 0; i < 20_000; i++) {
            double x = Double.longBitsToDouble(random.nextLong());
            if (!Double.isFinite(x)) {
                continue;
            }
            String text = EcmaScriptNumbers.format(x);

            assertThat(Double.parseDouble(text)).as(text).isEqualTo(x == 0 ? 0.0 : x);
            assertThat(significantDigits(text)).as(text).isLessThanOrEqualTo(significantDigits(Double.toString(x)));
        }
    }

    @Test
    void noDecimalWithOneDigitFewerReadsBackAsTheSameDouble() {
        SplittableRandom random = new SplittableRandom(1);
        for (int i = 0; i < 2_000; i++) {
            double x = Math.abs(Double.longBitsToDouble(random.nextLong()));
            if (!Double.isFinite(x) || x == 0) {
                continue;
            }
            int digits = significantDigits(EcmaScriptNumbers.format(x));
            if (digits == 1) {
                continue;
            }
            java.math.BigDecimal exact = new java.math.BigDecimal(x);
            java.math.MathContext fewer = new java.math.MathContext(digits - 1, java.math.RoundingMode.FLOOR);
            java.math.MathContext fewerUp = new java.math.MathContext(digits - 1, java.math.RoundingMode.CEILING);

            assertThat(Double.parseDouble(exact.round(fewer).toString())).as("%s", x).isNotEqualTo(x);
            assertThat(Double.parseDouble(exact.round(fewerUp).toString())).as("%s", x).isNotEqualTo(x);
        }
    }

    @Test
    void writesWhatTheSearchWritesForNumbersOfUpTo17DigitsAtEveryMagnitude() {
        SplittableRandom random = new SplittableRandom(2);
        for (int i = 0; i < 10_000; i++) {
            int digits = 1 + random.nextInt(17);
            long significand = random.nextLong((long) Math.pow(10, digits - 1), (long) Math.pow(10, digits));
            double x = Double.parseDouble(significand + "e" + random.nextInt(-340, 300));
            if (x == 0 || Double.isInfinite(x) || (x < 0x1p53 && x == Math.rint(x))) {
                continue;
            }

            assertThat(EcmaScriptNumbers.format(x)).as("%s", x).isEqualTo(EcmaScriptNumbers.formatBySearch(x));
        }
    }

    /** Digits of a number's text from its first non-zero digit to its last, exponent left out. */
    private static int significantDigits(String text) {
        String mantissa = text.split("[eE]")[0].replace("-", "").replace(".", "");
        String trimmed = mantissa.replaceAll("^0+", "").replaceAll("0+$", "");
        return Math.max(1, trimmed.length());
    }
}
