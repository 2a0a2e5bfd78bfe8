package domain.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class PreconditionTest {

    private static final OptionalLong ABSENT = OptionalLong.empty();

    @Test
    void alwaysAdmitsAWriteWhetherOrNotTheEntryExists() {
        Precondition always = Precondition.always();

        assertThat(always).isInstanceOf(Precondition.Always.class);
        assertThat(always.admits(ABSENT)).isTrue();
        assertThat(always.admits(OptionalLong.of(7))).isTrue();
    }

    @Test
    void ifAbsentAdmitsOnlyWhenThereIsNoEntry() {
        Precondition ifAbsent = new Precondition.IfAbsent();

        assertThat(ifAbsent.admits(ABSENT)).isTrue();
        assertThat(ifAbsent.admits(OptionalLong.of(1))).isFalse();
        assertThat(ifAbsent.admits(OptionalLong.of(0))).isFalse();
    }

    @Test
    void ifPresentAdmitsOnlyWhenThereIsAnEntry() {
        Precondition ifPresent = new Precondition.IfPresent();

        assertThat(ifPresent.admits(ABSENT)).isFalse();
        assertThat(ifPresent.admits(OptionalLong.of(1))).isTrue();
        assertThat(ifPresent.admits(OptionalLong.of(42))).isTrue();
    }

    @Test
    void ifVersionAdmitsOnlyTheVersionTheCallerRead() {
        Precondition ifVersion = new Precondition.IfVersion(5);

        assertThat(ifVersion.admits(OptionalLong.of(5))).isTrue();
        assertThat(ifVersion.admits(OptionalLong.of(4))).isFalse();
        assertThat(ifVersion.admits(OptionalLong.of(6))).isFalse();
    }

    @Test
    void ifVersionRefusesWhenTheEntryIsGone() {
        assertThat(new Precondition.IfVersion(5).admits(ABSENT)).isFalse();
        assertThat(new Precondition.IfVersion(0).admits(ABSENT)).isFalse();
    }
}
