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
}
