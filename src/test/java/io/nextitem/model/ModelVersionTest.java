package io.nextitem.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nextitem.inference.OnnxEncoder;
import io.nextitem.testing.DemoModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A damaged or mismatched version is refused with a message naming the file and the problem. */
class ModelVersionTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    @Test
    void loadsTheShippedDemoVersion() {
        ModelVersion version = ModelVersion.load(DemoModel.versionFolder());
        assertThat(version.items().size()).isEqualTo(version.manifest().numItems());
        assertThat(version.popularity().itemIds()).isNotEmpty();
        assertThat(version.items().indexOf("no-such-item")).isZero();
    }

    @Test
    void refusesAModelFileWhoseHashDoesNotMatch() throws Exception {
        Path folder = DemoModel.copyTo(tmp);
        Files.write(folder.resolve("model.onnx"), new byte[] {1, 2, 3}, StandardOpenOption.APPEND);
        assertThatThrownBy(() -> ModelVersion.load(folder))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("model.onnx has sha256").hasMessageContaining("corrupt");
    }

    @Test
    void refusesACorruptGraphEvenWithAMatchingHash() throws Exception {
        Path folder = DemoModel.copyTo(tmp);
        Files.write(folder.resolve("model.onnx"), "not an onnx graph".getBytes());
        rewriteManifest(folder, m -> ((ObjectNode) m.path("files").path("model.onnx"))
                .put("sha256", ModelVersion.sha256(folder.resolve("model.onnx"))));
        ModelVersion version = ModelVersion.load(folder);
        assertThatThrownBy(() -> new OnnxEncoder(version, "auto", 1))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("cannot load model.onnx");
    }

    @Test
    void refusesAVocabularyThatDisagreesWithTheManifest() throws Exception {
        Path folder = DemoModel.copyTo(tmp);
        rewriteManifest(folder, m -> m.put("num_items", m.path("num_items").asInt() + 1));
        assertThatThrownBy(() -> ModelVersion.load(folder))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("items.tsv has");
    }

    @Test
    void refusesAGraphWhoseInputsDisagreeWithTheManifest() throws Exception {
        Path folder = DemoModel.copyTo(tmp);
        addUsers(folder, "1\tu-1\n2\tu-2\n", 2);
        ModelVersion version = ModelVersion.load(folder);
        assertThat(version.users().indexOf("u-2")).isEqualTo(2);
        assertThat(version.users().indexOf("someone-new")).isZero();
        assertThatThrownBy(() -> new OnnxEncoder(version, "auto", 1))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("but the manifest declares");
    }

    @Test
    void aGraphReadingUserIdxNeedsAConsistentUserVocabulary() throws Exception {
        Path noUsers = DemoModel.copyTo(tmp.resolve("a"));
        rewriteManifest(noUsers, m -> m.putArray("inputs").add("item_seq").add("user_idx"));
        assertThatThrownBy(() -> ModelVersion.load(noUsers)).isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("num_users must be a positive count");

        Path unlisted = DemoModel.copyTo(tmp.resolve("b"));
        rewriteManifest(unlisted, m -> m.put("num_users", 2).putArray("inputs").add("item_seq").add("user_idx"));
        assertThatThrownBy(() -> ModelVersion.load(unlisted)).hasMessageContaining("files must list users.tsv");

        Path shortFile = DemoModel.copyTo(tmp.resolve("c"));
        addUsers(shortFile, "1\tu-1\n", 2);
        assertThatThrownBy(() -> ModelVersion.load(shortFile)).hasMessageContaining("users.tsv has 1 lines but manifest num_users is 2");

        Path twice = DemoModel.copyTo(tmp.resolve("d"));
        addUsers(twice, "1\tu-1\n2\tu-1\n", 2);
        assertThatThrownBy(() -> ModelVersion.load(twice)).hasMessageContaining("users.tsv:2: user id 'u-1' appears twice");
    }

    @Test
    void aGraphReadingCategoriesNeedsAConsistentCategoryVocabulary() throws Exception {
        Path noCount = DemoModel.copyTo(tmp.resolve("a"));
        rewriteManifest(noCount, m -> m.putArray("inputs").add("item_seq").add("cat_seq"));
        assertThatThrownBy(() -> ModelVersion.load(noCount)).isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("num_categories must be a count");

        Path unlisted = DemoModel.copyTo(tmp.resolve("b"));
        rewriteManifest(unlisted, m -> m.put("num_categories", 2).putArray("inputs").add("item_seq").add("cat_seq"));
        assertThatThrownBy(() -> ModelVersion.load(unlisted)).hasMessageContaining("files must list categories.tsv");

        Path shortFile = DemoModel.copyTo(tmp.resolve("c"));
        addCategories(shortFile, "1\tbooks\n", 2);
        assertThatThrownBy(() -> ModelVersion.load(shortFile))
                .hasMessageContaining("categories.tsv has 1 lines but manifest num_categories is 2");

        Path good = DemoModel.copyTo(tmp.resolve("d"));
        addCategories(good, "1\tbooks\n2\tgames\n", 2);
        ModelVersion version = ModelVersion.load(good);
        assertThat(version.categories().indexOf("games")).isEqualTo(2);
        assertThat(version.categories().indexOf("films")).isZero();
        assertThat(version.categories().indexOf(null)).isZero();
    }

    @Test
    void refusesAMissingFileAndAnUnknownFormat() throws Exception {
        Path folder = DemoModel.copyTo(tmp);
        Files.delete(folder.resolve("popularity.tsv"));
        assertThatThrownBy(() -> ModelVersion.load(folder)).hasMessageContaining("popularity.tsv is listed in the manifest but missing");

        Path other = DemoModel.copyTo(tmp.resolve("b"));
        rewriteManifest(other, m -> m.put("format_version", 99));
        assertThatThrownBy(() -> ModelVersion.load(other)).hasMessageContaining("format_version is 99");
    }

    @Test
    void registryPicksTheNewestVersionAndNamesTheKnownOnesWhenAskedForAnother() throws Exception {
        Path older = DemoModel.copyTo(tmp.resolve("registry"));
        Path newer = Files.move(DemoModel.copyTo(tmp.resolve("staging")), tmp.resolve("registry").resolve("zz-newer"));
        rewriteManifest(older, m -> m.put("created_at", "2000-01-01T00:00:00Z"));
        rewriteManifest(newer, m -> m.put("created_at", "2100-01-01T00:00:00Z"));
        ModelRegistry registry = new ModelRegistry(tmp.resolve("registry"));
        assertThat(registry.resolve("latest")).isEqualTo(newer);
        assertThatThrownBy(() -> registry.resolve("nope")).hasMessageContaining("zz-newer");
    }

    /** Declares user_idx and writes users.tsv (listed with its sha256) into a copied version. */
    private static void addUsers(Path folder, String usersTsv, int numUsers) throws Exception {
        Files.writeString(folder.resolve("users.tsv"), usersTsv);
        String sha = ModelVersion.sha256(folder.resolve("users.tsv"));
        rewriteManifest(folder, m -> {
            m.put("num_users", numUsers).putArray("inputs").add("item_seq").add("user_idx");
            ((ObjectNode) m.path("files")).putObject("users.tsv").put("sha256", sha);
        });
    }

    /** Declares cat_seq and writes categories.tsv (listed with its sha256) into a copied version. */
    private static void addCategories(Path folder, String categoriesTsv, int numCategories) throws Exception {
        Files.writeString(folder.resolve("categories.tsv"), categoriesTsv);
        String sha = ModelVersion.sha256(folder.resolve("categories.tsv"));
        rewriteManifest(folder, m -> {
            m.put("num_categories", numCategories).putArray("inputs").add("item_seq").add("cat_seq");
            ((ObjectNode) m.path("files")).putObject("categories.tsv").put("sha256", sha);
        });
    }

    private static void rewriteManifest(Path folder, java.util.function.Consumer<ObjectNode> change) throws Exception {
        Path file = folder.resolve("manifest.json");
        ObjectNode manifest = (ObjectNode) JSON.readTree(file.toFile());
        change.accept(manifest);
        JSON.writeValue(file.toFile(), manifest);
    }
}
