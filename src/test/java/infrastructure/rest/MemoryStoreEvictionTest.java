package infrastructure.rest;

import static org.hamcrest.Matchers.equalTo;
import static support.Api.as;
import static support.Api.cacheKeyFor;
import static support.Api.freshProject;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;
import support.TinyMemoryStoreProfile;

/**
 * Eviction of the memory store over HTTP, with room for three entries in all: a write that
 * answered 201 is readable at once, and one tenant's writes never push another out of its fair share.
 */
@QuarkusTest
@TestProfile(TinyMemoryStoreProfile.class)
class MemoryStoreEvictionTest {

    @Test
    void keepsANewTenantsWriteWhileTheStoreIsFullOfAnotherTenantsEntries() {
        String shop = freshProject();
        String blog = freshProject();
        String shopKey = cacheKeyFor(shop);
        String blogKey = cacheKeyFor(blog);
        for (int i = 0; i < TinyMemoryStoreProfile.MAX_ENTRIES; i++) {
            as(shopKey).body("{\"value\": " + i + "}").put("/v1/projects/" + shop + "/cache/s" + i).then().statusCode(201);
        }

        // a shorter TTL than every shop entry: "closest to expiry first" alone would evict it at once
        as(blogKey).body("{\"value\": \"post\", \"ttlSeconds\": 5}").put("/v1/projects/" + blog + "/cache/post")
                .then().statusCode(201);

        as(blogKey).get("/v1/projects/" + blog + "/cache/post").then().statusCode(200).body("value", equalTo("post"));
        as(shopKey).get("/v1/projects/" + shop + "/cache-stats").then().body("entries", equalTo(2));

        // shop holds more than its share: its next writes evict its own entries, never blog's
        for (int i = 3; i < 10; i++) {
            as(shopKey).body("{\"value\": " + i + "}").put("/v1/projects/" + shop + "/cache/s" + i).then().statusCode(201);
            as(shopKey).get("/v1/projects/" + shop + "/cache/s" + i).then().statusCode(200);
            as(blogKey).get("/v1/projects/" + blog + "/cache/post").then().statusCode(200);
        }
        as(shopKey).get("/v1/projects/" + shop + "/cache-stats").then().body("entries", equalTo(2));
    }
}
