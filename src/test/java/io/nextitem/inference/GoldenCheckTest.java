package io.nextitem.inference;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nextitem.model.ModelLoadException;
import io.nextitem.model.ModelVersion;
import io.nextitem.testing.TestModels;
import io.nextitem.testing.VersionFixtures;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A version whose graph does not reproduce its golden outputs is refused, with where it differs. */
class GoldenCheckTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path registry;

    @Test
    void aFaithfulVersionPasses() {
        Path folder = TestModels.versionIn(TestModels.ROOT.resolve("attrec"));
        assertThatCode(() -> check(folder)).doesNotThrowAnyException();
    }

    @Test
    void scoresOffByMoreThanTheToleranceAreRefused() {
        Path folder = goldenEdited(firstCase -> {
            ArrayNode row = (ArrayNode) firstCase.path("top_scores").get(0);
            row.set(3, row.get(3).floatValue() + 0.01f);
        });
        assertThatThrownBy(() -> check(folder)).isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("golden case 0, row 0, rank 3: score");
    }

    @Test
    void aDifferentRankingIsRefused() {
        Path folder = goldenEdited(firstCase -> {
            ArrayNode row = (ArrayNode) firstCase.path("top_items").get(0);
            long first = row.get(0).asLong();
            row.set(0, row.get(1).asLong());
            row.set(1, first);
        });
        assertThatThrownBy(() -> check(folder)).isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("golden case 0, row 0: top items");
    }

    @Test
    void aCaseWithoutAnInputTheGraphReadsIsRefused() {
        Path folder = goldenEdited(firstCase -> ((ObjectNode) firstCase.path("inputs")).remove("user_idx"));
        assertThatThrownBy(() -> check(folder)).isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("does not carry input user_idx");
    }

    private static void check(Path folder) {
        ModelVersion version = ModelVersion.load(folder);
        try (OnnxEncoder encoder = new OnnxEncoder(version, "cpu", 1)) {
            GoldenCheck.verify(version, encoder);
        }
    }

    /** The AttRec test version (reads item_seq and user_idx) with its first golden case edited. */
    private Path goldenEdited(Consumer<ObjectNode> edit) {
        Path folder = VersionFixtures.publish(TestModels.versionIn(TestModels.ROOT.resolve("attrec")), registry,
                "attrec-edited", "2026-02-01T00:00:00Z");
        VersionFixtures.rewrite(folder, GoldenCheck.GOLDEN_FILE, bytes -> {
            try {
                ObjectNode golden = (ObjectNode) JSON.readTree(bytes);
                edit.accept((ObjectNode) golden.path("cases").get(0));
                return JSON.writeValueAsBytes(golden);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, true);
        return folder;
    }
}
