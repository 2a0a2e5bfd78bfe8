package domain.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import domain.InvalidValueException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PageSizeTest {

    @ParameterizedTest
    @ValueSource(ints = {1, 100, 1000})
    void acceptsSizesFrom1To1000(int size) {
        assertThat(PageSize.of(size).value()).isEqualTo(size);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1, 1001, Integer.MAX_VALUE, Integer.MIN_VALUE})
    void rejectsSizesOutside1To1000(int size) {
        assertThatThrownBy(() -> PageSize.of(size))
                .isInstanceOf(InvalidValueException.class)
                .hasMessageContaining("between 1 and 1000");
    }

    @Test
    void defaultsTo100() {
        assertThat(PageSize.DEFAULT.value()).isEqualTo(100);
    }
}
