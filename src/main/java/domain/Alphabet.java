package domain;

/**
 * A set of ASCII characters that identifiers are spelled in, written as a regular expression's
 * character class is ({@code "A-Za-z0-9_-"}), and checked by table lookup. The identifiers are
 * checked on every request, several times over (a task id in the path, each one read back from the
 * store), and a regular expression made that a few per cent of a request's CPU.
 */
public final class Alphabet {

    /** {@code A-Z a-z 0-9 _ -}: the characters of a URL-safe Base64 text without padding. */
    public static final Alphabet URL_SAFE = of("A-Za-z0-9_-");

    private final boolean[] members = new boolean[128];

    private Alphabet(String ranges) {
        for (int i = 0; i < ranges.length(); i++) {
            char from = ranges.charAt(i);
            char to = from;
            // A '-' between two characters makes a range; first or last, it stands for itself.
            if (i + 2 < ranges.length() && ranges.charAt(i + 1) == '-') {
                to = ranges.charAt(i + 2);
                i += 2;
            }
            if (from > to || to >= members.length) {
                throw new IllegalArgumentException("not an ASCII range: " + from + "-" + to);
            }
            for (char c = from; c <= to; c++) {
                members[c] = true;
            }
        }
    }

    /** The characters {@code ranges} names: single characters and ranges such as {@code a-z}; a '-' first or last is itself. */
    public static Alphabet of(String ranges) {
        return new Alphabet(ranges);
    }

    public boolean contains(char c) {
        return c < members.length && members[c];
    }

    /** Whether every character of {@code s} from {@code from} (inclusive) to {@code to} (exclusive) is in this alphabet. */
    public boolean containsAll(CharSequence s, int from, int to) {
        for (int i = from; i < to; i++) {
            if (!contains(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** Whether {@code s} has {@code min} to {@code max} characters, all in this alphabet: the regular expression {@code [...]{min,max}}. */
    public boolean spans(String s, int min, int max) {
        return s != null && s.length() >= min && s.length() <= max && containsAll(s, 0, s.length());
    }

    /**
     * Whether {@code s} has {@code min} to {@code max} characters, its first in {@code first} and the
     * others in this alphabet: the regular expression {@code [first][...]{min-1,max-1}}.
     */
    public boolean spans(String s, int min, int max, Alphabet first) {
        return s != null && s.length() >= Math.max(min, 1) && s.length() <= max && first.contains(s.charAt(0))
                && containsAll(s, 1, s.length());
    }
}
