package domain.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import domain.InvalidValueException;
import domain.project.ProjectId;
import domain.session.SessionId;
import domain.session.UserId;
import domain.session.UserSession;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CredentialTest {

    @Test
    void aKeysPrincipalStandsOnTheKeyAndASessionsOnTheSession() {
        ApiKey key = new ApiKey(ApiKeyName.of("shop-backend"), "digest", ProjectAccess.all(), Set.of(Scope.PROGRESS), Instant.now());
        UserId user = UserId.of("ada");
        SessionId id = SessionId.newFor(user);
        UserSession session = new UserSession(id, user, "null", Set.of(ProjectId.of("shop")), Instant.now(), Instant.now(),
                Duration.ofHours(1), Instant.now().plus(Duration.ofHours(2)));

        assertThat(key.principal().credential()).isEqualTo(new Credential.Key(ApiKeyName.of("shop-backend")));
        assertThat(session.browserPrincipal().orElseThrow().credential()).isEqualTo(new Credential.Session(id.value()));
        assertThat(new Credential.Session(id.value()).userTag()).isEqualTo(user.tag());
    }

    @Test
    void whatATicketStandsOnIsItsIssuersKeyOrNothingRevocableForTheBootstrapKey() {
        assertThat(Credential.ofIssuer("shop-backend")).isEqualTo(new Credential.Key(ApiKeyName.of("shop-backend")));
        assertThat(Credential.ofIssuer(BootstrapKey.NAME)).isEqualTo(Credential.PERMANENT);
    }

    @Test
    void refusesASessionCredentialThatNamesNoSessionId() {
        assertThatThrownBy(() -> new Credential.Session("not-a-session")).isInstanceOf(InvalidValueException.class);
        assertThatThrownBy(() -> new Revocation.UserSessionsRevoked("ADA")).isInstanceOf(InvalidValueException.class);
    }
}
