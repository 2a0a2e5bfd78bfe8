package domain;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CharactersTest {

    @Test
    void findsNoUnpairedSurrogateInWellFormedText() {
        assertThat(Characters.firstUnpairedSurrogate("")).isEqualTo(-1);
        assertThat(Characters.firstUnpairedSurrogate("plain é \u2028 \uffff \u0000")).isEqualTo(-1);
        assertThat(Characters.firstUnpairedSurrogate("😀𝄞\uD800\uDC00\uDBFF\uDFFF")).isEqualTo(-1);
    }

    @Test
    void findsAHighSurrogateWithoutItsLowOne() {
        assertThat(Characters.firstUnpairedSurrogate("\uD800x")).isEqualTo(0);
        assertThat(Characters.firstUnpairedSurrogate("ab\uD83D")).isEqualTo(2);
        assertThat(Characters.firstUnpairedSurrogate("\uD800\uD800\uDC00")).isEqualTo(0);
    }

    @Test
    void findsALowSurrogateWithoutItsHighOne() {
        assertThat(Characters.firstUnpairedSurrogate("x\uDC00")).isEqualTo(1);
        assertThat(Characters.firstUnpairedSurrogate("😀\uDE00")).isEqualTo(2);
        assertThat(Characters.firstUnpairedSurrogate("\uDE00\uD83D")).isEqualTo(0);
    }
}
