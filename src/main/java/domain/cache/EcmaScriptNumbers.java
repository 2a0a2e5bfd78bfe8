package domain.cache;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * Writes a double the way ECMAScript's {@code Number.prototype.toString()} does, which is how
 * RFC 8785 writes numbers: the fewest significant digits that read back as the same double (the
 * nearest of them to its exact value when there is a choice, the even one on a tie), in plain
 * notation for magnitudes from 1e-6 to below 1e21 and as {@code <digits>e<sign><exponent>} outside.
 *
 * <p>{@link Double#toString(double)} cannot stand in for it: on Java 17 it sometimes writes more
 * digits than needed ({@code 2e23} comes out as {@code 1.9999999999999998E23}).
 */
final class EcmaScriptNumbers {

    /** Every integral double below this is a {@code long} whose digits are already the shortest. */
    private static final double EXACT_INTEGERS = 0x1p53;
    /** Decimals of up to 15 significant digits lie further apart than neighbouring normal doubles. */
    private static final int DBL_DIG = 15;
    /** Seventeen significant digits tell every double from its neighbours. */
    private static final int MAX_DIGITS = 17;
    /** Plain notation runs up to 21 digits before the point, and from 6 zeros after it. */
    private static final int PLAIN_BELOW_EXPONENT = 21;
    private static final int PLAIN_FROM_EXPONENT = -6;
    /** For each number of digits: to the nearest (even on a tie), down, and up. */
    private static final MathContext[] NEAREST = contexts(RoundingMode.HALF_EVEN);
    private static final MathContext[] DOWN = contexts(RoundingMode.FLOOR);
    private static final MathContext[] UP = contexts(RoundingMode.CEILING);

    private EcmaScriptNumbers() {
    }

    /**
     * The ECMAScript text of {@code x}; {@code -0} is {@code 0}.
     *
     * @throws IllegalArgumentException for NaN and the infinities, which JSON cannot hold
     */
    static String format(double x) {
        if (!Double.isFinite(x)) {
            throw new IllegalArgumentException("NaN and the infinities have no JSON form");
        }
        if (x == 0) {
            return "0";
        }
        if (x < 0) {
            return "-" + format(-x);
        }
        if (x < EXACT_INTEGERS && x == Math.rint(x)) {
            return Long.toString((long) x);
        }
        if (x >= Double.MIN_NORMAL) {
            // Java's digits always read back as x. Among normal doubles, no two decimals of up to
            // DBL_DIG significant digits read back as the same double (such decimals lie further
            // apart than neighbouring doubles), so a text of that few digits is the only one, and
            // so the shortest and nearest. Most numbers people write take this path.
            BigDecimal java = new BigDecimal(Double.toString(x));
            if (java.stripTrailingZeros().precision() <= DBL_DIG) {
                return layout(java);
            }
        }
        return layout(shortest(x));
    }

    /** The same as {@link #format(double)} for a positive, finite, non-integral {@code x}, always by the search. */
    static String formatBySearch(double x) {
        return layout(shortest(x));
    }

    /**
     * The decimal with the fewest significant digits that reads back as {@code x} (positive, finite).
     *
     * <p>Whether some decimal of {@code p} digits reads back as {@code x} grows monotonically with
     * {@code p} (a decimal of {@code p} digits is one of {@code p + 1} too), so the fewest are found
     * by a binary search. For one {@code p}, only the two decimals of {@code p} digits on either side
     * of the exact value can read back as {@code x}, if any can: the doubles that read back as
     * {@code x} form one interval around it.
     */
    private static BigDecimal shortest(double x) {
        BigDecimal exact = new BigDecimal(x);
        int low = 1;
        int high = MAX_DIGITS;
        BigDecimal found = readingBack(exact, x, high);
        while (low < high) {
            int middle = (low + high) >>> 1;
            BigDecimal candidate = readingBack(exact, x, middle);
            if (candidate != null) {
                found = candidate;
                high = middle;
            } else {
                low = middle + 1;
            }
        }
        if (found == null) {
            throw new IllegalStateException("no decimal of up to 17 digits reads back as " + x);
        }
        return found;
    }

    /**
     * The decimal of {@code digits} significant digits nearest to {@code exact} (the even one on a
     * tie) if it reads back as {@code x}; else the one on the other side of {@code exact} if that
     * does; else null. The second case arises only at a power of two, where the doubles below are
     * twice as close together as those above.
     */
    private static BigDecimal readingBack(BigDecimal exact, double x, int digits) {
        BigDecimal nearest = exact.round(NEAREST[digits]);
        if (readsBackAs(nearest, x)) {
            return nearest;
        }
        int side = nearest.compareTo(exact);
        if (side == 0) {
            return null;
        }
        BigDecimal other = exact.round(side > 0 ? DOWN[digits] : UP[digits]);
        return readsBackAs(other, x) ? other : null;
    }

    private static MathContext[] contexts(RoundingMode mode) {
        MathContext[] contexts = new MathContext[MAX_DIGITS + 1];
        for (int digits = 1; digits <= MAX_DIGITS; digits++) {
            contexts[digits] = new MathContext(digits, mode);
        }
        return contexts;
    }

    private static boolean readsBackAs(BigDecimal decimal, double x) {
        return Double.parseDouble(decimal.toString()) == x;
    }

    /** Places the point, or writes an exponent, as ECMA-262's Number::toString does for radix 10. */
    private static String layout(BigDecimal decimal) {
        BigDecimal stripped = decimal.stripTrailingZeros();
        String digits = stripped.unscaledValue().toString();
        int k = digits.length();
        // The value is 0.<digits> x 10^n.
        int n = k - stripped.scale();
        StringBuilder out = new StringBuilder(k + 8);
        if (k <= n && n <= PLAIN_BELOW_EXPONENT) {
            out.append(digits).append("0".repeat(n - k));
        } else if (0 < n && n <= PLAIN_BELOW_EXPONENT) {
            out.append(digits, 0, n).append('.').append(digits, n, k);
        } else if (PLAIN_FROM_EXPONENT < n && n <= 0) {
            out.append("0.").append("0".repeat(-n)).append(digits);
        } else {
            int exponent = n - 1;
            out.append(digits.charAt(0));
            if (k > 1) {
                out.append('.').append(digits, 1, k);
            }
            out.append('e').append(exponent < 0 ? '-' : '+').append(Math.abs(exponent));
        }
        return out.toString();
    }
}
