package io.nextitem.tools.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nextitem.inference.EncoderInputs;
import io.nextitem.model.ModelManifest;
import io.nextitem.model.ModelVersion;
import io.nextitem.testing.TestModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EncoderBenchmarkTest {
    @TempDir
    Path tmp;

    @Test
    void percentileIsTheNearestRank() {
        double[] sorted = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
        assertThat(EncoderBenchmark.percentile(sorted, 50)).isEqualTo(5);
        assertThat(EncoderBenchmark.percentile(sorted, 95)).isEqualTo(10);
        assertThat(EncoderBenchmark.percentile(sorted, 5)).isEqualTo(1);
        assertThat(EncoderBenchmark.percentile(new double[] {7}, 50)).isEqualTo(7);
    }

    @Test
    void summaryDerivesPerRequestFiguresFromTheMedian() {
        var summary = new EncoderBenchmark.BatchTiming(4, new double[] {3, 1, 2, 5, 4}).summary();
        assertThat(summary).containsEntry("batch_millis_median", 3.0).containsEntry("request_micros_median", 750.0)
                .containsEntry("requests_per_second_median", 1333.333).containsEntry("repetitions", 5);
    }

    @Test
    void requestsAreFullLengthAndInsideEveryVocabulary() {
        ModelManifest manifest = ModelVersion.load(TestModels.versionIn(TestModels.ROOT.resolve("ssrf"))).manifest();
        EncoderInputs batch = SyntheticRequests.batch(manifest, 3, 5);
        assertThat(batch.batchSize()).isEqualTo(3);
        assertThat(batch.length()).isEqualTo(manifest.maxSeqLen());
        assertThat(Arrays.stream(batch.sequences().get(EncoderInputs.ITEM_SEQ)).flatMapToLong(Arrays::stream)
                .allMatch(i -> i >= 1 && i <= manifest.numItems())).as("no padding, only known items").isTrue();
        assertThat(Arrays.stream(batch.sequences().get(EncoderInputs.CAT_SEQ)).flatMapToLong(Arrays::stream)
                .allMatch(c -> c >= 1 && c <= manifest.numCategories())).as("known categories").isTrue();
        assertThat(Arrays.stream(batch.perRowValues().get(EncoderInputs.USER_IDX))
                .allMatch(u -> u >= 1 && u <= manifest.numUsers())).isTrue();
        long[] times = batch.sequences().get(EncoderInputs.TIME_SEQ)[0];
        assertThat(times[times.length - 1]).isEqualTo(batch.perRowValues().get(EncoderInputs.QUERY_TIME)[0]);
    }

    @Test
    void reportNamesTheModelProviderAndMachineAndTimesEveryBatchSize() throws Exception {
        Path version = TestModels.versionIn(TestModels.ROOT.resolve("dmran"));
        Path out = tmp.resolve("bench/dmran.json");
        EncoderBenchmarkReport.measure(version, new int[] {1, 4}, "cpu", 1, 1, 5, out);

        JsonNode result = new ObjectMapper().readTree(Files.readString(out));
        assertThat(result.get("model").asText()).isEqualTo("dmran");
        assertThat(result.get("execution_provider").asText()).isEqualTo("CPU");
        assertThat(result.get("machine").get("cores").asInt()).isPositive();
        assertThat(result.get("timings")).hasSize(2);
        JsonNode batchOf4 = result.get("timings").get(1);
        assertThat(batchOf4.get("batch_size").asInt()).isEqualTo(4);
        assertThat(batchOf4.get("repetitions").asInt()).isEqualTo(5);
        assertThat(batchOf4.get("batch_millis_median").asDouble()).isPositive();
    }
}
