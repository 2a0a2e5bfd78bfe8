package domain.cache;

import java.util.List;
import java.util.Optional;

/**
 * One page of a project's live entries, each read whole, for an export.
 *
 * @param entries    the entries whose values could be read, in key order
 * @param unreadable the live entries whose stored value cannot be read (changed, or its key gone):
 *                   named, never served
 * @param next       where the next page starts (exclusive); empty on the last page
 */
public record EntryPage(List<CacheEntry> entries, List<CacheKey> unreadable, Optional<CacheKey> next) {

    public EntryPage {
        entries = List.copyOf(entries);
        unreadable = List.copyOf(unreadable);
    }
}
