package contract;

import static org.assertj.core.api.Assertions.assertThat;

import domain.encryption.KeyRotation;
import domain.encryption.ProjectKeysets;
import java.time.Instant;
import java.util.Optional;
import domain.encryption.WrappedKeyset;
import domain.encryption.KeysetOwner;
import domain.project.ProjectId;
import io.smallrye.mutiny.Uni;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every store of the projects' wrapped keysets must do, run against each of them. */
public abstract class ProjectKeysetsContract {

    protected static final KeysetOwner SHOP = KeysetOwner.of(ProjectId.of("shop"));
    protected static final KeysetOwner BLOG = KeysetOwner.of(ProjectId.of("blog"));

    protected ProjectKeysets keysets;

    /** A fresh, empty store, isolated from every other test. */
    protected abstract ProjectKeysets newKeysets();

    @BeforeEach
    void createKeysets() {
        keysets = newKeysets();
    }

    protected static <T> T await(Uni<T> uni) {
        return uni.await().atMost(Duration.ofSeconds(30));
    }

    /** Binary, with every byte value, as wrapped keysets are. */
    protected static WrappedKeyset wrapped(String kek, String marker, long revision) {
        byte[] bytes = new byte[256 + marker.length()];
        for (int i = 0; i < 256; i++) {
            bytes[i] = (byte) i;
        }
        System.arraycopy(marker.getBytes(StandardCharsets.UTF_8), 0, bytes, 256, marker.length());
        return new WrappedKeyset(kek, bytes, revision);
    }

    @Test
    void findsNoKeysetForAProjectThatHasNone() {
        assertThat(await(keysets.find(SHOP))).isEmpty();
    }

    @Test
    void keepsEveryByteOfAKeysetAndItsKeyEncryptionKeyId() {
        WrappedKeyset first = wrapped("kek-a", "first", 1);

        assertThat(await(keysets.createIfAbsent(SHOP, first))).isEqualTo(first);

        assertThat(await(keysets.find(SHOP))).contains(first);
        assertThat(await(keysets.find(BLOG))).as("another project's").isEmpty();
    }

    @Test
    void keepsTheSessionsKeysetApartFromEveryProjectsEvenOneNamedSessions() {
        KeysetOwner sessionsProject = KeysetOwner.of(ProjectId.of("sessions"));
        WrappedKeyset sessions = await(keysets.createIfAbsent(KeysetOwner.SESSIONS, wrapped("kek-a", "the sessions'", 1)));
        WrappedKeyset project = await(keysets.createIfAbsent(sessionsProject, wrapped("kek-a", "project sessions'", 1)));
        await(keysets.saveRotation(new KeyRotation(KeysetOwner.SESSIONS, 7, Instant.ofEpochMilli(1_000), Optional.empty())));

        assertThat(project).as("a keyset of its own, not the one the sessions have").isNotEqualTo(sessions);
        assertThat(await(keysets.destroy(sessionsProject))).isTrue();
        assertThat(await(keysets.find(KeysetOwner.SESSIONS))).contains(sessions);
        assertThat(await(keysets.rotations())).extracting(KeyRotation::owner).containsExactly(KeysetOwner.SESSIONS);
    }

    @Test
    void keepsTheFirstKeysetWhenTwoAreCreatedForOneProject() {
        WrappedKeyset first = wrapped("kek-a", "first", 1);
        await(keysets.createIfAbsent(SHOP, first));

        WrappedKeyset answered = await(keysets.createIfAbsent(SHOP, wrapped("kek-a", "second", 1)));

        assertThat(answered).as("the one stored, not the one offered").isEqualTo(first);
        assertThat(await(keysets.find(SHOP))).contains(first);
    }

    @Test
    void agreesOnOneKeysetWhenManyCreateAtOnce() {
        List<Uni<WrappedKeyset>> creations = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            creations.add(keysets.createIfAbsent(SHOP, wrapped("kek-a", "candidate-" + i, 1)));
        }

        List<WrappedKeyset> answers = await(Uni.join().all(creations).andFailFast());

        assertThat(answers).as("every creator uses the same keyset").containsOnly(answers.get(0));
        assertThat(await(keysets.find(SHOP))).contains(answers.get(0));
    }

    @Test
    void replacesAKeysetOnlyFromTheRevisionBefore() {
        WrappedKeyset first = await(keysets.createIfAbsent(SHOP, wrapped("kek-a", "first", 1)));
        WrappedKeyset second = first.next("kek-b", wrapped("kek-b", "second", 1).bytes());

        assertThat(await(keysets.replace(SHOP, second))).isTrue();
        assertThat(await(keysets.find(SHOP))).contains(second);

        WrappedKeyset stale = first.next("kek-a", wrapped("kek-a", "lost race", 1).bytes());
        assertThat(await(keysets.replace(SHOP, stale))).as("revision 2 again: another replacement won").isFalse();
        assertThat(await(keysets.find(SHOP))).contains(second);
    }

    @Test
    void replacesNothingForAProjectWithoutKeyset() {
        assertThat(await(keysets.replace(SHOP, wrapped("kek-a", "x", 2)))).isFalse();
        assertThat(await(keysets.find(SHOP))).isEmpty();
    }

    @Test
    void destroysOneProjectsKeysetOnly() {
        await(keysets.createIfAbsent(SHOP, wrapped("kek-a", "shop", 1)));
        WrappedKeyset blog = await(keysets.createIfAbsent(BLOG, wrapped("kek-a", "blog", 1)));

        assertThat(await(keysets.destroy(SHOP))).isTrue();
        assertThat(await(keysets.destroy(SHOP))).as("gone already").isFalse();

        assertThat(await(keysets.find(SHOP))).isEmpty();
        assertThat(await(keysets.find(BLOG))).contains(blog);
    }

    @Test
    void keepsTheLatestRotationOfEachProjectFinishedOrNot() {
        Instant started = Instant.ofEpochMilli(1_700_000_000_000L);
        KeyRotation shopRunning = new KeyRotation(SHOP, -5, started, Optional.empty());
        KeyRotation blogDone = new KeyRotation(BLOG, 7, started, Optional.of(started.plusSeconds(3)));

        await(keysets.saveRotation(shopRunning));
        await(keysets.saveRotation(blogDone));

        assertThat(await(keysets.rotations())).containsExactlyInAnyOrder(shopRunning, blogDone);
        KeyRotation shopDone = shopRunning.finishedAt(started.plusSeconds(9));
        await(keysets.saveRotation(shopDone));
        assertThat(await(keysets.rotations())).as("one per project: the latest").containsExactlyInAnyOrder(shopDone, blogDone);
    }

    @Test
    void forgetsAShreddedProjectsRotation() {
        await(keysets.createIfAbsent(SHOP, wrapped("kek-a", "shop", 1)));
        await(keysets.saveRotation(new KeyRotation(SHOP, 1, Instant.ofEpochMilli(1_000), Optional.empty())));

        await(keysets.destroy(SHOP));

        assertThat(await(keysets.rotations())).isEmpty();
    }

    @Test
    void createsAFreshKeysetAfterADestroy() {
        await(keysets.createIfAbsent(SHOP, wrapped("kek-a", "old", 1)));
        await(keysets.destroy(SHOP));
        WrappedKeyset fresh = wrapped("kek-a", "fresh", 1);

        assertThat(await(keysets.createIfAbsent(SHOP, fresh))).isEqualTo(fresh);
    }
}
