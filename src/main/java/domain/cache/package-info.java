/** The project cache: JSON values under validated keys, with TTLs, versions, tags and invalidation. */
package domain.cache;
