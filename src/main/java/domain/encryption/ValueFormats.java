package domain.encryption;

import domain.project.ProjectId;
import java.util.Map;
import java.util.Optional;

/** How values are stored: the service's setting, and the projects' own. */
public interface ValueFormats {

    /** How the project's values are stored from now on. */
    ValueFormat of(ProjectId project);

    /**
     * How the values under the owner's keyset are stored: its project's format, or for the sessions'
     * user data (which belongs to no one project) the service's.
     */
    default ValueFormat of(KeysetOwner owner) {
        return owner.project().map(this::of).orElseGet(this::service);
    }

    /** The service's setting: what a project without a setting of its own gets. */
    ValueFormat service();

    /** The projects with a setting of their own. */
    Map<ProjectId, ValueFormat> projects();

    /** The id of the key-encryption key (never the key); empty when none is configured. */
    Optional<String> keyEncryptionKeyId();
}
