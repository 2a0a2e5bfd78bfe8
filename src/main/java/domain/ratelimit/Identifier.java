package domain.ratelimit;

import domain.Alphabet;
import domain.InvalidValueException;

/**
 * Whose requests a limit counts: a scope and a value ({@code user} "42", {@code ip} "2001:db8::1").
 *
 * <p>Rule: the value is 1 to 128 characters of {@code A-Z a-z 0-9 . _ : @ + ~ -}.
 */
public record Identifier(IdentifierScope scope, String value) {

    /** The rule [A-Za-z0-9._:@+~-]{1,128}. */
    private static final Alphabet FORMAT = Alphabet.of("A-Za-z0-9._:@+~-");

    public Identifier {
        if (scope == null) {
            throw new InvalidValueException("scope", "scope must be one of user, project, ip, key");
        }
        if (!FORMAT.spans(value, 1, 128)) {
            throw new InvalidValueException("identifier",
                    "identifier must be 1 to 128 characters of A-Z, a-z, 0-9, '.', '_', ':', '@', '+', '~' or '-'");
        }
    }

    public static Identifier of(IdentifierScope scope, String value) {
        return new Identifier(scope, value);
    }
}
