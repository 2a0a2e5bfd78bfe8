package domain.encryption;

import java.time.Instant;
import java.util.Optional;

/**
 * A keyset's latest rotation: a new primary key, then the values stored under older keys re-encrypted under it,
 * then the older keys disabled. Unfinished until then, and resumed after a restart.
 *
 * @param primaryKeyId the key the rotation made primary
 * @param finishedAt   when the older keys were disabled; empty while values are being re-encrypted
 */
public record KeyRotation(KeysetOwner owner, int primaryKeyId, Instant startedAt, Optional<Instant> finishedAt) {

    public boolean finished() {
        return finishedAt.isPresent();
    }

    public KeyRotation finishedAt(Instant at) {
        return new KeyRotation(owner, primaryKeyId, startedAt, Optional.of(at));
    }
}
