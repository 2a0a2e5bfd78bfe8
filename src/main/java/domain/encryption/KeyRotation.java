package domain.encryption;

import domain.project.ProjectId;
import java.time.Instant;
import java.util.Optional;

/**
 * A project's latest key rotation: a new primary key, then its stored values re-encrypted under it,
 * then the older keys disabled. Unfinished until then, and resumed after a restart.
 *
 * @param primaryKeyId the key the rotation made primary
 * @param finishedAt   when the older keys were disabled; empty while values are being re-encrypted
 */
public record KeyRotation(ProjectId project, int primaryKeyId, Instant startedAt, Optional<Instant> finishedAt) {

    public boolean finished() {
        return finishedAt.isPresent();
    }

    public KeyRotation finishedAt(Instant at) {
        return new KeyRotation(project, primaryKeyId, startedAt, Optional.of(at));
    }
}
