package io.nextitem.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.nextitem.config.JobConfig;
import io.nextitem.testing.DemoModel;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.junit.jupiter.api.Test;

/**
 * How the items stage is wired: the updates are decoded at the source's parallelism of 1, so they
 * reach every items subtask in their partition's order (a parallel decoder let odd offsets overtake
 * even ones: the stage thought it had read the topic with half the rules); the items stage runs
 * at the job's parallelism after recommend; without items.topic none of it exists.
 */
class ItemsStageWiringTest {
    private static Map<String, StreamNode> nodes(JobConfig config) {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(config.parallelism);
        NextItemJob.build(env, config);
        StreamGraph graph = env.getStreamGraph();
        return graph.getStreamNodes().stream().collect(Collectors.toMap(StreamNode::getOperatorName, Function.identity(),
                (a, b) -> a));
    }

    private static JobConfig config() {
        JobConfig config = JobConfig.isolatedRun("localhost:9092", "wiring", "t");
        config.model.registry = DemoModel.REGISTRY.toString();
        return config;
    }

    @Test
    void updatesAreDecodedInOrderAndTheStageFollowsRecommend() {
        JobConfig config = config();
        config.parallelism = 2;
        config.items.topic = "items-t";
        Map<String, StreamNode> nodes = nodes(config.validated());

        assertThat(nodes.get("decode-item-updates").getParallelism()).isEqualTo(1);
        assertThat(nodes.get("Source: items-source").getParallelism()).isEqualTo(1);
        assertThat(nodes.get("item-rules").getParallelism()).isEqualTo(2);
        assertThat(config.model.extraCandidates).isEqualTo(config.items.candidateDepth);
    }

    @Test
    void withoutAnItemsTopicThereIsNoItemsStage() {
        JobConfig config = config().validated();
        assertThat(nodes(config)).doesNotContainKeys("item-rules", "decode-item-updates");
        assertThat(config.model.extraCandidates).isZero();
    }
}
