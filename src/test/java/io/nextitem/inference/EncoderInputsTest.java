package io.nextitem.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** A batch whose inputs disagree on B or L is refused before it reaches ONNX Runtime. */
class EncoderInputsTest {

    @Test
    void carriesPerPositionAndPerRowInputsByName() {
        EncoderInputs inputs = EncoderInputs.ofItems(new long[][] {{0, 3, 4}, {1, 2, 3}})
                .withPerRow(EncoderInputs.USER_IDX, new long[] {7, 0})
                .withSequence("cat_seq", new long[][] {{0, 1, 1}, {2, 2, 1}});
        assertThat(inputs.batchSize()).isEqualTo(2);
        assertThat(inputs.length()).isEqualTo(3);
        assertThat(inputs.has(EncoderInputs.USER_IDX)).isTrue();
        assertThat(inputs.has("time_seq")).isFalse();
        assertThat(inputs.sequences()).containsOnlyKeys(EncoderInputs.ITEM_SEQ, "cat_seq");
    }

    @Test
    void refusesInputsOfAnotherBatchSizeOrLength() {
        EncoderInputs inputs = EncoderInputs.ofItems(new long[][] {{0, 3, 4}, {1, 2, 3}});
        assertThatThrownBy(() -> inputs.withPerRow(EncoderInputs.USER_IDX, new long[] {7}))
                .hasMessageContaining("user_idx has 1 values, item_seq has 2 rows");
        assertThatThrownBy(() -> inputs.withSequence("time_seq", new long[][] {{1, 2, 3}, {1, 2}}))
                .hasMessageContaining("time_seq rows must have item_seq's length 3");
        assertThatThrownBy(() -> EncoderInputs.ofItems(new long[0][])).hasMessageContaining("at least 1 x 1");
    }
}
