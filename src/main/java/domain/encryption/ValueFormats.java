package domain.encryption;

import domain.project.ProjectId;
import java.util.Map;
import java.util.Optional;

/** How each project's values are stored: the service's setting, and the projects' own. */
public interface ValueFormats {

    /** How the project's values are stored from now on. */
    ValueFormat of(ProjectId project);

    /** The service's setting: what a project without a setting of its own gets. */
    ValueFormat service();

    /** The projects with a setting of their own. */
    Map<ProjectId, ValueFormat> projects();

    /** The id of the key-encryption key (never the key); empty when none is configured. */
    Optional<String> keyEncryptionKeyId();
}
