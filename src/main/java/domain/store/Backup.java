package domain.store;

import java.time.Instant;

/**
 * One backup the store wrote.
 *
 * @param file  where it is, on the machine the store runs on
 * @param bytes its size
 * @param at    when it was taken: it holds every write acknowledged before then
 */
public record Backup(String file, long bytes, Instant at) {
}
