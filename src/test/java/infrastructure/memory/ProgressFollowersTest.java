package infrastructure.memory;

import static org.assertj.core.api.Assertions.assertThat;

import domain.progress.ProgressEvent;
import domain.progress.ProgressEventType;
import domain.progress.ProgressId;
import domain.project.ProjectId;
import io.smallrye.mutiny.helpers.test.AssertSubscriber;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** In-process followers: what they are handed, and that leaving leaves nothing behind. */
class ProgressFollowersTest {

    private static final ProjectId SHOP = ProjectId.of("shop");
    private static final ProgressId IMPORT = ProgressId.of("import");

    private final ProgressFollowers followers = new ProgressFollowers();

    private static ProgressEvent event(long sequence) {
        return new ProgressEvent(sequence, ProgressEventType.PROGRESS, sequence, "step", Instant.EPOCH);
    }

    @Test
    void buffersWhatIsPublishedUntilTheFollowerSubscribes() {
        var stream = followers.follow(SHOP, IMPORT);
        followers.publish(SHOP, IMPORT, event(2));
        followers.publish(SHOP, ProgressId.of("export"), event(3));

        AssertSubscriber<ProgressEvent> follower = stream.subscribe().withSubscriber(AssertSubscriber.create(10));

        assertThat(follower.getItems()).containsExactly(event(2));
    }

    @Test
    void forgetsAnOperationWhenItsLastFollowerLeavesEvenOnTheEventItIsHanded() {
        AssertSubscriber<ProgressEvent> staying = followers.follow(SHOP, IMPORT).subscribe().withSubscriber(AssertSubscriber.create(10));
        AssertSubscriber<ProgressEvent> leavingOnFirst = followers.follow(SHOP, IMPORT).select().first()
                .subscribe().withSubscriber(AssertSubscriber.create(10));

        followers.publish(SHOP, IMPORT, event(2));
        leavingOnFirst.assertCompleted();
        assertThat(followers.followed()).isEqualTo(1);
        staying.cancel();

        assertThat(followers.followed()).isZero();
        followers.publish(SHOP, IMPORT, event(3));
        assertThat(staying.getItems()).containsExactly(event(2));
    }
}
