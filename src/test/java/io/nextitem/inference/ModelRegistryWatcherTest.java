package io.nextitem.inference;

import static org.assertj.core.api.Assertions.assertThat;

import io.nextitem.config.ModelSettings;
import io.nextitem.testing.MisfitVersions;
import io.nextitem.testing.TestModels;
import io.nextitem.testing.VersionFixtures;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The watcher, polled by hand (no timing): a newly published version is prepared and handed over
 * once; a broken one is refused with its reason, once, and the serving version stays.
 */
class ModelRegistryWatcherTest {
    private static final Path SASREC = TestModels.versionIn(TestModels.ROOT.resolve("sasrec"));
    private static final Path ATTREC = TestModels.versionIn(TestModels.ROOT.resolve("attrec"));

    @TempDir
    Path registry;

    private final List<String> refusals = new ArrayList<>();
    private ModelRegistryWatcher watcher;

    @BeforeEach
    void servingVersionOne() {
        VersionFixtures.publish(SASREC, registry, "sasrec-v1", "2026-02-01T00:00:00Z");
        ModelSettings settings = new ModelSettings();
        settings.registry = registry.toString();
        watcher = new ModelRegistryWatcher(settings, "sasrec-v1", (folder, reason) -> refusals.add(folder + ": " + reason));
    }

    @AfterEach
    void closeWatcher() {
        watcher.close();
    }

    @Test
    void theWatcherThatSpeaksForTheJobRecordsWhatServesForTheTrainer() throws Exception {
        watcher.close();
        ModelSettings settings = new ModelSettings();
        settings.registry = registry.toString();
        settings.version = "sasrec-v1"; // fixed: the newest (v2 below) is not what serves
        watcher = new ModelRegistryWatcher(settings, "sasrec-v1", (folder, reason) -> refusals.add(folder), true);
        VersionFixtures.publish(SASREC, registry, "sasrec-v2", "2026-03-01T00:00:00Z");
        watcher.pollOnce();

        var record = new com.fasterxml.jackson.databind.ObjectMapper().readTree(registry.resolve(ServingRecord.FILE).toFile());
        assertThat(record.get("serving").asText()).isEqualTo("sasrec-v1");
        assertThat(record.get("canary").isNull()).isTrue();
        assertThat(new io.nextitem.model.ModelRegistry(registry).versions()).as("the record is no version")
                .extracting(p -> p.getFileName().toString()).containsExactlyInAnyOrder("sasrec-v1", "sasrec-v2");
    }

    @Test
    void aCanaryCandidateThatFailsACheckIsRefusedAndNoCanaryRuns() {
        VersionFixtures.publish(SASREC, registry, "sasrec-v2-broken", "2026-03-01T00:00:00Z",
                v -> VersionFixtures.rewrite(v, "model.onnx", VersionFixtures::flipLastByte, false)); // sha256 mismatch
        watcher.pollCanary(new Rollout.Canary("sasrec-v2-broken", 0.5, false));
        assertThat(watcher.takeCandidateChange()).as("no canary from a broken candidate").isNull();
        assertThat(refusals).singleElement().asString().startsWith("sasrec-v2-broken").contains("sha256");

        VersionFixtures.publish(SASREC, registry, "sasrec-v3", "2026-04-01T00:00:00Z");
        Rollout.Canary canary = new Rollout.Canary("sasrec-v3", 0.5, false);
        watcher.pollCanary(canary);
        ModelRegistryWatcher.CandidateChange started = watcher.takeCandidateChange();
        try (SequenceRecommender candidate = started.candidate()) {
            assertThat(candidate.version().version()).isEqualTo("sasrec-v3");
            assertThat(started.canary()).isEqualTo(canary);
        }
        watcher.pollCanary(canary);
        assertThat(watcher.takeCandidateChange()).as("the same canary is not prepared twice").isNull();
        watcher.pollCanary(null);
        assertThat(watcher.takeCandidateChange()).as("the end of the canary is handed over")
                .isEqualTo(new ModelRegistryWatcher.CandidateChange(null, null));
    }

    @Test
    void aNewVersionIsPreparedAndHandedOverOnce() {
        watcher.pollOnce();
        assertThat(watcher.takeReady()).as("nothing new yet").isNull();

        VersionFixtures.publish(SASREC, registry, "sasrec-v2", "2026-03-01T00:00:00Z");
        watcher.pollOnce();
        try (SequenceRecommender next = watcher.takeReady()) {
            assertThat(next.version().version()).isEqualTo("sasrec-v2");
        }
        watcher.pollOnce();
        assertThat(watcher.takeReady()).isNull();
        assertThat(refusals).isEmpty();
    }

    @Test
    void whileTheUpdatesTopicCannotBeReadTheServingVersionStays() {
        // An operator may have pinned something the watcher cannot see: it does not fall back to
        // the newest version, it keeps what serves and looks again next time.
        watcher.close();
        ModelSettings settings = new ModelSettings();
        settings.registry = registry.toString();
        settings.updatesTopic = "model-updates";
        settings.updatesBootstrapServers = "localhost:1"; // nothing listens there
        watcher = new ModelRegistryWatcher(settings, "sasrec-v1", (folder, reason) -> refusals.add(folder + ": " + reason));
        VersionFixtures.publish(SASREC, registry, "sasrec-v2", "2026-03-01T00:00:00Z");

        watcher.pollOnce();
        assertThat(watcher.takeReady()).isNull();
        assertThat(refusals).isEmpty();
    }

    @Test
    void aVersionStillBeingWrittenIsNotSeen() throws IOException {
        // The exporter writes a version under a hidden name and renames it when complete.
        Path v2 = VersionFixtures.publish(SASREC, registry, "sasrec-v2", "2026-03-01T00:00:00Z");
        Files.move(v2, registry.resolve(".sasrec-v2.tmp"));
        watcher.pollOnce();
        assertThat(watcher.takeReady()).isNull();
        assertThat(refusals).isEmpty();
    }

    static List<Arguments> brokenVersions() {
        return List.of(
                Arguments.of("model.onnx bytes changed, sha256 not", (Consumer<Path>) v ->
                        VersionFixtures.rewrite(v, "model.onnx", VersionFixtures::flipLastByte, false), "sha256"),
                Arguments.of("model.onnx not a graph", (Consumer<Path>) v ->
                        VersionFixtures.rewrite(v, "model.onnx", bytes -> Arrays.copyOf(bytes, 100), true), "cannot load model.onnx"),
                Arguments.of("graph reads other inputs than the manifest", (Consumer<Path>) v ->
                        VersionFixtures.rewrite(v, "model.onnx", bytes -> read(ATTREC.resolve("model.onnx")), true), "reads inputs"),
                Arguments.of("items.tsv one item short of num_items", (Consumer<Path>) v ->
                        VersionFixtures.rewrite(v, "items.tsv", VersionFixtures::dropLastLine, true), "items.tsv"),
                Arguments.of("golden outputs from another graph", (Consumer<Path>) v ->
                        VersionFixtures.rewrite(v, "golden.json", bytes -> goldenOfTheWrongScale(bytes), true), "golden case"),
                // The rules that span the job's settings (defaults here) and a version.
                Arguments.of("max_seq_len above sequence.max-length", MisfitVersions.READS_MORE_THAN_THE_JOB_KEEPS,
                        "sequence.max-length is 50 but the version reads max_seq_len 60 items"),
                Arguments.of("folder named unlike manifest.version", MisfitVersions.NAMED_UNLIKE_ITS_FOLDER,
                        "its folder is named 'sasrec-v2' but its manifest.version is 'sasrec-elsewhere'"),
                Arguments.of("graph's K' cannot fill model.top-k", MisfitVersions.FILLS_FEWER_THAN_THE_SERVED_TOP_K,
                        "model.top-k is 10 but the version's graph returns K' = 25 candidates"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenVersions")
    void aBrokenVersionIsRefusedOnceAndTheServingOneStays(String what, Consumer<Path> breakIt, String reason) {
        Path broken = VersionFixtures.publish(SASREC, registry, "sasrec-v2", "2026-03-01T00:00:00Z");
        breakIt.accept(broken);

        watcher.pollOnce();
        watcher.pollOnce();

        assertThat(watcher.takeReady()).isNull();
        assertThat(refusals).singleElement().asString().startsWith("sasrec-v2: ").contains(reason);

        VersionFixtures.publish(SASREC, registry, "sasrec-v3", "2026-04-01T00:00:00Z");
        watcher.pollOnce();
        try (SequenceRecommender next = watcher.takeReady()) {
            assertThat(next.version().version()).as("a good version after a refused one still swaps in").isEqualTo("sasrec-v3");
        }
    }



    /** Every golden score doubled: what a graph exported from other weights would be checked against. */
    private static byte[] goldenOfTheWrongScale(byte[] bytes) {
        String text = new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
        try {
            var json = new com.fasterxml.jackson.databind.ObjectMapper();
            var golden = json.readTree(text);
            for (var testCase : golden.path("cases")) {
                for (var row : testCase.path("top_scores")) {
                    for (int k = 0; k < row.size(); k++) {
                        ((com.fasterxml.jackson.databind.node.ArrayNode) row).set(k, row.get(k).floatValue() * 2 + 1);
                    }
                }
            }
            return json.writeValueAsBytes(golden);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
