package infrastructure.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static support.Api.as;
import static support.Api.freshProject;
import static support.Api.keyFor;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import support.AccessLogProfile;
import support.LogCapture;
import support.SseClient;

/** With Quarkus's access log on, a stream ticket in a URL never reaches the log; the request line does. */
@QuarkusTest
@TestProfile(AccessLogProfile.class)
class AccessLogTest {

    @Test
    void writesTheRequestLineOfATicketStreamWithTheTicketRedacted() {
        String project = freshProject();
        String worker = keyFor(List.of(project), "progress");
        String base = "/v1/projects/" + project + "/progress";
        String id = as(worker).body(Map.of("totalSteps", 3)).post(base).then().statusCode(201).extract().path("id");
        String ticket = as(worker).post(base + "/" + id + "/tickets").then().statusCode(201).extract().path("ticket");
        String events = base + "/" + id + "/events";

        LogCapture log = LogCapture.start();
        try {
            SseClient.Stream stream = SseClient.open(URI.create("http://localhost:" + RestAssured.port + events + "?ticket=" + ticket),
                    Map.of());
            assertThat(stream.status()).isEqualTo(200);
            stream.close();
            // A ticket of the right shape that opens nothing: its line is written too, as redacted.
            String unknown = "cdt_" + "A".repeat(43);
            RestAssured.given().queryParam("ticket", unknown).get(events).then().statusCode(401);

            String redacted = "GET " + events + "?ticket=redacted HTTP/1.1";
            Awaitility.await().atMost(Duration.ofSeconds(10))
                    .until(() -> log.lines().stream().filter(line -> line.contains(redacted)).count() >= 2);
            assertThat(log.lines()).noneMatch(line -> line.contains(ticket) || line.contains(unknown))
                    .anyMatch(line -> line.startsWith("io.quarkus.http.access-log") && line.contains(redacted + "\" 401"));
        } finally {
            log.close();
        }
    }
}
