/** The project cache: JSON values under validated keys, with TTLs, versions, tags and invalidation, and keys derived from content. */
package domain.cache;
