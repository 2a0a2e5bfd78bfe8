package domain;

/** Character rules shared by the identifiers of the domain; kept in one place so they agree. */
public final class Characters {

    private Characters() {
    }

    /** True when every character is one of {@code A-Z a-z 0-9 . _ : ~ -}, the key alphabet. */
    public static boolean isKeyAlphabet(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (!isKeyCharacter(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** True for one character of the key alphabet {@code A-Z a-z 0-9 . _ : ~ -}. */
    public static boolean isKeyCharacter(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == '.' || c == '_' || c == ':' || c == '~' || c == '-';
    }

    /**
     * The index of the first UTF-16 surrogate without its pair (a high one not followed by a low one,
     * or a low one not preceded by a high one), or -1 when the text is well-formed Unicode. Such text
     * has no UTF-8 encoding: a store would change it or refuse to serve it.
     */
    public static int firstUnpairedSurrogate(CharSequence s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                    i++;
                } else {
                    return i;
                }
            } else if (Character.isLowSurrogate(c)) {
                return i;
            }
        }
        return -1;
    }
}
