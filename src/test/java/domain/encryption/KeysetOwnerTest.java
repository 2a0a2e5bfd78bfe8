package domain.encryption;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import domain.InvalidValueException;
import domain.project.ProjectId;
import org.junit.jupiter.api.Test;

class KeysetOwnerTest {

    @Test
    void aProjectOwnsItsKeysetUnderItsOwnId() {
        KeysetOwner shop = KeysetOwner.of(ProjectId.of("shop"));

        assertThat(shop.value()).isEqualTo("shop");
        assertThat(shop.project()).contains(ProjectId.of("shop"));
        assertThat(shop).hasToString("project shop");
    }

    @Test
    void theSessionsKeysetBelongsToNoProject() {
        assertThat(KeysetOwner.SESSIONS.project()).isEmpty();
        assertThat(new KeysetOwner("_sessions")).isEqualTo(KeysetOwner.SESSIONS);
        assertThat(KeysetOwner.of(ProjectId.of("sessions"))).isNotEqualTo(KeysetOwner.SESSIONS);
    }

    @Test
    void rejectsAnOwnerThatIsNeitherAProjectNorTheSessions() {
        assertThatThrownBy(() -> new KeysetOwner("_other")).isInstanceOf(InvalidValueException.class);
        assertThatThrownBy(() -> new KeysetOwner("Shop")).isInstanceOf(InvalidValueException.class);
        assertThatThrownBy(() -> new KeysetOwner(null)).isInstanceOf(InvalidValueException.class);
    }
}
