package infrastructure.redis;

import static org.assertj.core.api.Assertions.assertThat;

import domain.progress.Progress;
import domain.progress.ProgressChange;
import domain.progress.ProgressEvent;
import domain.progress.ProgressEventType;
import domain.progress.ProgressId;
import domain.progress.ProgressPolicy;
import domain.progress.ProgressRepository;
import domain.project.ProjectId;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.helpers.test.AssertSubscriber;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import support.RedisStoreProfile;

/**
 * Pub/sub through the service's own Redis client, as configured: a follow becomes ready and
 * receives what is recorded. (Subscription confirmations have intermittently gone missing inside
 * the service, logged as "No handler waiting for message"; this is the path SSE will rely on.)
 */
@QuarkusTest
@TestProfile(RedisStoreProfile.class)
class SubscriptionsInServiceTest {

    @Inject
    ProgressRepository progress;

    @Inject
    ProgressPolicy policy;

    @Test
    void followsAnOperationThroughTheServicesClient() {
        ProjectId project = ProjectId.of("subs");
        Progress started = policy.start(project, ProgressId.generate(), 3, "go", Instant.now());
        assertThat(progress.start(started).await().atMost(Duration.ofSeconds(5))).isTrue();

        Multi<ProgressEvent> live = progress.follow(project, started.id()).await().atMost(Duration.ofSeconds(5));
        AssertSubscriber<ProgressEvent> follower = live.subscribe().withSubscriber(AssertSubscriber.create(Long.MAX_VALUE));
        progress.record(project, started.id(), new ProgressChange.Step(1, "one")).await().atMost(Duration.ofSeconds(5));
        progress.record(project, started.id(), new ProgressChange.Complete("done")).await().atMost(Duration.ofSeconds(5));

        follower.awaitItems(2, Duration.ofSeconds(5));
        assertThat(follower.getItems()).extracting(ProgressEvent::sequence).containsExactly(2L, 3L);
        assertThat(follower.getItems()).extracting(ProgressEvent::type)
                .containsExactly(ProgressEventType.PROGRESS, ProgressEventType.COMPLETED);
        follower.cancel();
    }
}
