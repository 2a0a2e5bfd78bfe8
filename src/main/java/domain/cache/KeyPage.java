package domain.cache;

import java.util.List;
import java.util.Optional;

/**
 * One page of a key listing, in lexical order.
 *
 * @param keys  the live keys of this page that match the pattern; may be fewer than asked for,
 *              even none, while more pages follow
 * @param after where the next page starts (exclusive); empty on the last page
 */
public record KeyPage(List<CacheKey> keys, Optional<CacheKey> after) {

    public KeyPage {
        keys = List.copyOf(keys);
    }

    public boolean isLast() {
        return after.isEmpty();
    }
}
