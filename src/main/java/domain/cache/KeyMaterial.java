package domain.cache;

import domain.Characters;
import domain.InvalidValueException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A JSON value that a content-addressed key is derived from ({@link KeyNamespace#keyFor}), held as
 * what its canonical form needs: an object's members in canonical order, and each number as the
 * IEEE-754 double it denotes.
 *
 * <p>Rules, each of which RFC 8785 needs to give a value one canonical form: every string and member
 * name is well-formed Unicode (no unpaired UTF-16 surrogate), every number a finite double, and no
 * object names a member twice.
 */
public sealed interface KeyMaterial {

    /**
     * An object; its members are kept sorted by name, compared as sequences of UTF-16 code units
     * (which {@link String#compareTo} does), the order of RFC 8785.
     */
    record Members(List<Member> members) implements KeyMaterial {

        private static final Comparator<Member> BY_NAME = Comparator.comparing(Member::name);

        public Members {
            List<Member> sorted = new ArrayList<>(members);
            sorted.sort(BY_NAME);
            for (int i = 1; i < sorted.size(); i++) {
                if (sorted.get(i).name().equals(sorted.get(i - 1).name())) {
                    throw new InvalidValueException("has a member name twice: names must be unique in an object");
                }
            }
            members = List.copyOf(sorted);
        }
    }

    /** One member of an object. */
    record Member(String name, KeyMaterial value) {

        public Member {
            if (name == null || value == null) {
                throw new InvalidValueException("a member has a name and a value");
            }
            if (Characters.firstUnpairedSurrogate(name) >= 0) {
                throw new InvalidValueException("has a member name with an unpaired UTF-16 surrogate: not Unicode text");
            }
        }
    }

    /** An array. */
    record Elements(List<KeyMaterial> elements) implements KeyMaterial {

        public Elements {
            elements = List.copyOf(elements);
        }
    }

    /** A string. */
    record Text(String value) implements KeyMaterial {

        public Text {
            if (value == null) {
                throw new InvalidValueException("a string has a value; null is Literal.NULL");
            }
            if (Characters.firstUnpairedSurrogate(value) >= 0) {
                throw new InvalidValueException("holds an unpaired UTF-16 surrogate: not Unicode text");
            }
        }
    }

    /** A number: a finite double; {@code -0} and {@code 0} are the same key material. */
    record Numeric(double value) implements KeyMaterial {

        /** The number of the JSON grammar (RFC 8259); Double.parseDouble alone would take NaN, 0x1p3 or 1d too. */
        private static final Pattern JSON_NUMBER = Pattern.compile("-?(?:0|[1-9][0-9]*)(?:\\.[0-9]+)?(?:[eE][+-]?[0-9]+)?");

        public Numeric {
            if (!Double.isFinite(value)) {
                throw new InvalidValueException("is not a finite number");
            }
        }

        /**
         * The double a JSON number's text denotes, rounded to the nearest as JSON parsers do: more
         * digits than a double holds are no fault ({@code 9007199254740993} is
         * {@code 9007199254740992}), but a magnitude beyond the largest double is, and so is one so
         * small that it becomes zero: either way no double stands for it.
         *
         * @param json a number as the JSON grammar writes it
         */
        public static Numeric parse(String json) {
            if (json == null || !JSON_NUMBER.matcher(json).matches()) {
                throw new InvalidValueException("is not a JSON number");
            }
            double value = Double.parseDouble(json);
            if (Double.isInfinite(value)) {
                throw new InvalidValueException("is a number beyond the range of a double (about 1.8e308): "
                        + "RFC 8785 has no form for it");
            }
            if (value == 0 && hasNonZeroDigit(json)) {
                throw new InvalidValueException("is a number so close to zero that a double rounds it to 0 "
                        + "(it is below about 2.5e-324), yet it is not 0: RFC 8785 has no form for it");
            }
            return new Numeric(value);
        }

        private static boolean hasNonZeroDigit(String json) {
            for (int i = 0; i < json.length(); i++) {
                char c = json.charAt(i);
                if (c == 'e' || c == 'E') {
                    return false;
                }
                if (c >= '1' && c <= '9') {
                    return true;
                }
            }
            return false;
        }
    }

    /** {@code true}, {@code false} and {@code null}. */
    enum Literal implements KeyMaterial {
        TRUE, FALSE, NULL
    }
}
