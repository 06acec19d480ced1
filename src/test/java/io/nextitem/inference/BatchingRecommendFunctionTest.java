package io.nextitem.inference;

import static org.assertj.core.api.Assertions.assertThat;

import io.nextitem.avro.RankedItem;
import io.nextitem.avro.Recommendation;
import io.nextitem.config.ModelSettings;
import io.nextitem.sequence.ScoringRequest;
import io.nextitem.testing.TestModels;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.AsyncDataStream;
import org.apache.flink.streaming.api.operators.StreamFlatMap;
import org.apache.flink.streaming.api.operators.async.AsyncWaitOperatorFactory;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * The micro-batched recommend operator in Flink's async harness: ids are looked up on the task
 * thread, the encoder runs on the batcher's thread, and lists are ranked back in the mailbox.
 * Its output is the per-event operator's, list for list, in input order.
 */
class BatchingRecommendFunctionTest {
    private static final Path REGISTRY = TestModels.ROOT.resolve("sasrec");

    @Test
    void batchedOutputIsThePerEventOutputInInputOrder() throws Exception {
        List<ScoringRequest> requests = requests(40);
        ModelSettings batched = settings(8);
        var async = new OneInputStreamOperatorTestHarness<>(
                new AsyncWaitOperatorFactory<>(new BatchingRecommendFunction(batched), 10_000, 32,
                        AsyncDataStream.OutputMode.ORDERED),
                TypeInformation.of(ScoringRequest.class).createSerializer(new SerializerConfigImpl()));
        async.open();
        for (int i = 0; i < requests.size(); i++) {
            async.processElement(requests.get(i), i);
        }
        async.endInput();
        List<Recommendation> fromBatches = async.extractOutputValues();
        async.close();

        var perEvent = new OneInputStreamOperatorTestHarness<>(new StreamFlatMap<>(new RecommendFunction(settings(1))));
        perEvent.open();
        for (int i = 0; i < requests.size(); i++) {
            perEvent.processElement(requests.get(i), i);
        }
        List<Recommendation> alone = perEvent.extractOutputValues();
        perEvent.close();

        assertThat(fromBatches).extracting(Recommendation::getTriggerEventId)
                .containsExactlyElementsOf(requests.stream().map(r -> r.triggerEventId).toList());
        for (int i = 0; i < requests.size(); i++) {
            assertThat(ids(fromBatches.get(i))).as("request " + i).isEqualTo(ids(alone.get(i)));
            assertThat(fromBatches.get(i).getSource()).isEqualTo(alone.get(i).getSource());
        }
    }

    private static ModelSettings settings(int batchMaxSize) {
        ModelSettings settings = new ModelSettings();
        settings.registry = REGISTRY.toString();
        settings.batchMaxSize = batchMaxSize;
        settings.batchMaxDelayMs = 5;
        settings.watchIntervalMs = 0;
        return settings;
    }

    /** Requests of 1 to 30 items (longer than the model's L of 20 too), some unknown, one cold. */
    private static List<ScoringRequest> requests(int count) {
        List<String> items = TestModels.idsIn(TestModels.versionIn(REGISTRY), "items.tsv");
        Random random = new Random(11);
        List<ScoringRequest> out = new ArrayList<>();
        for (int r = 0; r < count; r++) {
            int length = 1 + random.nextInt(30);
            String[] ids = new String[length];
            long[] times = new long[length];
            for (int i = 0; i < length; i++) {
                ids[i] = r == 7 || random.nextInt(8) == 0 ? "unknown-" + r + "-" + i : items.get(random.nextInt(items.size()));
                times[i] = 1_767_225_600_000L + i * 60_000L;
            }
            out.add(new ScoringRequest("u" + r, "e" + r, times[length - 1], ids, times, new String[length])
                    .withTriggerItem(ids[length - 1]));
        }
        return out;
    }

    private static List<String> ids(Recommendation recommendation) {
        return recommendation.getItems().stream().map(RankedItem::getItemId).toList();
    }
}
