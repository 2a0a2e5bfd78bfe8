package domain.cache;

import java.util.Optional;

/**
 * One page of a walk that brings a project's stored values to the form values are written in now
 * (its current key, its encryption setting).
 *
 * @param examined   live entries looked at
 * @param resealed   of those, how many were written anew (the others were current already, changed
 *                   by a write meanwhile, or unreadable)
 * @param unreadable of those, how many could not be read and were left as they are
 * @param next       where the next page starts; empty when the walk is over
 */
public record ResealPage(int examined, int resealed, int unreadable, Optional<CacheKey> next) {
}
