package domain.store;

import io.smallrye.mutiny.Uni;

/**
 * Port: an online, consistent copy of the whole store, taken while it serves. Only a store that
 * lives in files can take one; the others fail with {@link BackupUnsupportedException}.
 */
public interface StoreBackups {

    /** Writes a new copy next to the store's data and answers where; never overwrites an earlier one. */
    Uni<Backup> backUp();

    /** A store that cannot copy itself, saying what backs it up instead. */
    static StoreBackups unsupported(String reason) {
        return () -> Uni.createFrom().failure(new BackupUnsupportedException(reason));
    }
}
