package domain.ratelimit;

import domain.InvalidValueException;
import java.util.Locale;

/** What an identifier names: a user, a project, an IP address or an API key. */
public enum IdentifierScope {
    USER,
    PROJECT,
    IP,
    KEY;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Rule: one of {@code user}, {@code project}, {@code ip}, {@code key}. */
    public static IdentifierScope parse(String value) {
        for (IdentifierScope scope : values()) {
            if (scope.wireName().equals(value)) {
                return scope;
            }
        }
        throw new InvalidValueException("scope", "scope must be one of user, project, ip, key");
    }
}
