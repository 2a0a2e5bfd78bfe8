package infrastructure.rest;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Which limit a request's body has: an import's file its own, every other body the value limit's bound. */
class BodyLimitTest {

    private static final long BODY = BodyLimit.bound(1024);
    private static final long IMPORT = 1L << 28;

    @Test
    void givesAProjectsImportItsOwnLimitAndEveryOtherPathTheBodyLimit() {
        assertThat(BodyLimit.limitFor("/v1/admin/projects/shop/import", BODY, IMPORT)).isEqualTo(IMPORT);
        // Only a well-formed project id: the caller's access to it was checked before the body is read.
        for (String path : new String[] {"/v1/projects/shop/cache/import", "/v1/admin/projects/shop/import/x",
                "/v1/admin/projects/shop/export", "/v1/admin/projects//import", "/x/v1/admin/projects/shop/import",
                "/v1/admin/projects/BAD!/import", "/v1/admin/projects/a%2Fb/import", "/v1/admin/projects/../import", null}) {
            assertThat(BodyLimit.limitFor(path, BODY, IMPORT)).as(path).isEqualTo(BODY);
        }
    }
}
