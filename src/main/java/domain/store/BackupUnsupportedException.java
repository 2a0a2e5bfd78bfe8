package domain.store;

/** The configured store keeps nothing a backup could copy, or has its own means (Redis's persistence). */
public final class BackupUnsupportedException extends RuntimeException {

    public BackupUnsupportedException(String message) {
        super(message);
    }
}
