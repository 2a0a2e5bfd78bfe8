package infrastructure.rest;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * The one paging rule of every list: {@code limit} (1 to {@value #MAX_LIMIT}, default
 * {@value #DEFAULT_LIMIT}) and an opaque {@code cursor} that names the list it came from and the
 * position after which the next page starts.
 *
 * <p>A cursor is the base64url text (no padding) of {@code <list>:<position>}. Clients must treat it as
 * opaque; the list name in it makes a cursor of one list a 400 on another rather than a silently wrong
 * page, and any cursor this service did not write is a 400 naming {@code cursor}.
 */
final class Paging {

    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 1000;
    static final String BAD_CURSOR = "cursor must be the nextCursor of a previous page of this list";
    static final String BAD_LIMIT = "limit must be a whole number between 1 and " + MAX_LIMIT;

    private static final Pattern DIGITS = Pattern.compile("[0-9]{1,4}");

    /** The lists the service pages; each name is part of its cursors. */
    enum Listing {
        CACHE_KEYS("keys"), PROGRESS("progress"), SESSIONS("sessions"), API_KEYS("api-keys"), POLICIES("policies"),
        TASKS("tasks"), DEAD_LETTERS("dead"), PROJECTS("projects");

        private final String tag;

        Listing(String tag) {
            this.tag = tag;
        }
    }

    private Paging() {
    }

    /** The opaque cursor of a position in a list. */
    static String cursor(Listing listing, String position) {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString((listing.tag + ":" + position).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The position a {@code cursor} query parameter names, parsed by {@code parse}; empty for an absent
     * or empty cursor (the first page). Anything else that is not a cursor of this list this service could
     * have written is recorded as a violation of {@code cursor}, and answers empty.
     */
    static <T> Optional<T> position(Listing listing, String cursor, Function<String, T> parse, Violations violations) {
        if (cursor == null || cursor.isEmpty()) {
            return Optional.empty();
        }
        try {
            byte[] raw = Base64.getUrlDecoder().decode(cursor);
            String text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(raw)).toString();
            String prefix = listing.tag + ":";
            if (!text.startsWith(prefix)) {
                violations.add("cursor", BAD_CURSOR);
                return Optional.empty();
            }
            return Optional.of(parse.apply(text.substring(prefix.length())));
        } catch (IllegalArgumentException | CharacterCodingException e) {
            // IllegalArgumentException covers bad base64 and every value object's InvalidValueException.
            violations.add("cursor", BAD_CURSOR);
            return Optional.empty();
        }
    }

    /** The page size a {@code limit} query parameter names; the default when absent, else a violation of {@code limit}. */
    static int limit(String raw, Violations violations) {
        if (raw == null) {
            return DEFAULT_LIMIT;
        }
        if (!DIGITS.matcher(raw).matches()) {
            violations.add("limit", BAD_LIMIT);
            return DEFAULT_LIMIT;
        }
        int value = Integer.parseInt(raw);
        if (value < 1 || value > MAX_LIMIT) {
            violations.add("limit", BAD_LIMIT);
            return DEFAULT_LIMIT;
        }
        return value;
    }

    /** One page cut from a whole list held in memory: its items, and the last one's position when more follow. */
    record Slice<T>(List<T> items, Optional<String> next) {
    }

    /**
     * The page of an ordered list that starts after the cursor's position: the items {@code afterCursor}
     * accepts (all, on the first page), at most {@code limit}, and the position of the last one when more follow.
     */
    static <T> Slice<T> slice(List<T> ordered, Predicate<T> afterCursor, int limit, Function<T, String> positionOf) {
        List<T> rest = ordered.stream().filter(afterCursor).toList();
        if (rest.size() <= limit) {
            return new Slice<>(rest, Optional.empty());
        }
        List<T> page = rest.subList(0, limit);
        return new Slice<>(page, Optional.of(positionOf.apply(page.get(page.size() - 1))));
    }

    /**
     * The page after {@code after} of a whole list held in memory, ordered by name: its items, and
     * the cursor of the next page (null on the last), for a list named by {@code listing}.
     */
    static <T> Slice<T> byName(Listing listing, List<T> all, Function<T, String> nameOf, Optional<String> after, int limit) {
        List<T> ordered = all.stream().sorted(Comparator.comparing(nameOf)).toList();
        Slice<T> page = slice(ordered, t -> after.map(name -> nameOf.apply(t).compareTo(name) > 0).orElse(true), limit, nameOf);
        return new Slice<>(page.items(), page.next().map(next -> cursor(listing, next)));
    }
}
