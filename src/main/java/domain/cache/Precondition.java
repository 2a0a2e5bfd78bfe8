package domain.cache;

import java.util.OptionalLong;

/**
 * The condition a write must meet against the entry it would replace (optimistic concurrency).
 *
 * <p>Every store evaluates it atomically with the write; this type holds the rule once.
 */
public sealed interface Precondition {

    /** Whether a write may proceed when the current version is {@code current} (empty: no entry). */
    boolean admits(OptionalLong current);

    /** Write whatever is there. */
    record Always() implements Precondition {
        @Override
        public boolean admits(OptionalLong current) {
            return true;
        }
    }

    /** Create only: {@code If-None-Match: *}. */
    record IfAbsent() implements Precondition {
        @Override
        public boolean admits(OptionalLong current) {
            return current.isEmpty();
        }
    }

    /** Replace only: {@code If-Match: *}. */
    record IfPresent() implements Precondition {
        @Override
        public boolean admits(OptionalLong current) {
            return current.isPresent();
        }
    }

    /** Replace only the version the caller read: {@code If-Match: "<version>"}. */
    record IfVersion(long version) implements Precondition {
        @Override
        public boolean admits(OptionalLong current) {
            return current.isPresent() && current.getAsLong() == version;
        }
    }

    static Precondition always() {
        return new Always();
    }
}
