package infrastructure.rest;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.eclipse.microprofile.openapi.models.PathItem.HttpMethod;
import org.junit.jupiter.api.Test;

/** The document's credentials per operation follow the rules RequestAuthentication applies, and its timestamps Timestamps' form. */
class OpenApiDocumentTest {

    @Test
    void describesTheSessionsOwnPathsWithTheSessionAlone() {
        assertThat(OpenApiDocument.credentials("/v1/sessions/current", HttpMethod.GET))
                .containsExactly(OpenApiDocument.SESSION, OpenApiDocument.SESSION_COOKIE);
        assertThat(OpenApiDocument.credentials("/v1/sessions/current", HttpMethod.DELETE))
                .containsExactly(OpenApiDocument.SESSION, OpenApiDocument.SESSION_COOKIE);
    }

    @Test
    void describesTheProgressReadsWithAKeyOrASessionAndTheEventStreamWithATicketToo() {
        assertThat(OpenApiDocument.credentials("/v1/projects/{projectId}/progress", HttpMethod.GET))
                .containsExactly(OpenApiDocument.API_KEY, OpenApiDocument.SESSION, OpenApiDocument.SESSION_COOKIE);
        assertThat(OpenApiDocument.credentials("/v1/projects/{projectId}/progress/{id}", HttpMethod.GET))
                .containsExactly(OpenApiDocument.API_KEY, OpenApiDocument.SESSION, OpenApiDocument.SESSION_COOKIE);
        assertThat(OpenApiDocument.credentials("/v1/projects/{projectId}/progress/{id}/events", HttpMethod.GET))
                .containsExactly(OpenApiDocument.API_KEY, OpenApiDocument.SESSION, OpenApiDocument.SESSION_COOKIE,
                        OpenApiDocument.TICKET);
    }

    @Test
    void describesEveryOtherOperationWithAnApiKeyAlone() {
        assertThat(OpenApiDocument.credentials("/v1/projects/{projectId}/progress/{id}/steps", HttpMethod.POST))
                .containsExactly(OpenApiDocument.API_KEY);
        assertThat(OpenApiDocument.credentials("/v1/projects/{projectId}/progress", HttpMethod.POST))
                .containsExactly(OpenApiDocument.API_KEY);
        assertThat(OpenApiDocument.credentials("/v1/projects/{projectId}/cache/{key}", HttpMethod.GET))
                .containsExactly(OpenApiDocument.API_KEY);
        assertThat(OpenApiDocument.credentials("/v1/sessions", HttpMethod.POST)).containsExactly(OpenApiDocument.API_KEY);
    }

    @Test
    void describesEveryTimestampInTheFormTimestampsWrites() {
        assertThat(Timestamps.format(Instant.parse("2026-11-22T09:00:00Z"))).matches(OpenApiDocument.TIMESTAMP);
        assertThat(Timestamps.format(Instant.parse("2026-11-22T09:00:00.123456789Z"))).matches(OpenApiDocument.TIMESTAMP);
        assertThat("2026-11-22T09:00:00Z").doesNotMatch(OpenApiDocument.TIMESTAMP);
        assertThat("2026-11-22T09:00:00.123456Z").doesNotMatch(OpenApiDocument.TIMESTAMP);
    }
}
