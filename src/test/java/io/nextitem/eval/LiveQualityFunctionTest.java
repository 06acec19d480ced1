package io.nextitem.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.nextitem.avro.RankedItem;
import io.nextitem.avro.Recommendation;
import io.nextitem.avro.RecommendationSource;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Live HR@10 / NDCG@10 per version, through the keyed harness on RocksDB, against hand values. */
class LiveQualityFunctionTest {
    private LiveQualityFunction function;
    private KeyedOneInputStreamOperatorTestHarness<String, Recommendation, io.nextitem.avro.LiveJudgement> harness;

    @BeforeEach
    void start() throws Exception {
        function = new LiveQualityFunction(new io.nextitem.config.SequenceSettings());
        harness = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(function),
                Recommendation::getUserId, Types.STRING);
        harness.setStateBackend(new EmbeddedRocksDBStateBackend());
        harness.open();
    }

    @AfterEach
    void stop() throws Exception {
        harness.close();
    }

    private void list(String user, String version, long time, String clicked, String... items) throws Exception {
        List<RankedItem> ranked = new ArrayList<>();
        for (int i = 0; i < items.length; i++) {
            ranked.add(new RankedItem(items[i], 1.0f, i + 1, false));
        }
        Recommendation r = Recommendation.newBuilder().setUserId(user).setTriggerEventId(user + "@" + time)
                .setItems(ranked).setModelName("sasrec").setModelVersion(version).setSource(RecommendationSource.MODEL)
                .setEventTimeMillis(time).setEmitTimeMillis(time).setTriggerItemId(clicked).build();
        harness.processElement(r, time);
    }

    private void armList(String user, String version, io.nextitem.avro.ServingArm arm, long time, String clicked,
                         String... items) throws Exception {
        List<RankedItem> ranked = new ArrayList<>();
        for (int i = 0; i < items.length; i++) {
            ranked.add(new RankedItem(items[i], 1.0f, i + 1, false));
        }
        harness.processElement(Recommendation.newBuilder().setUserId(user).setTriggerEventId(user + "@" + time)
                .setItems(ranked).setModelName("sasrec").setModelVersion(version).setSource(RecommendationSource.MODEL)
                .setEventTimeMillis(time).setEmitTimeMillis(time).setTriggerItemId(clicked).setArm(arm)
                .setCanaryCandidate("v2").build(), time);
    }

    @Test
    void aShadowListIsJudgedApartAndEachJudgedListOfATrialFeedsItsArmsUserSums() throws Exception {
        var serving = io.nextitem.avro.ServingArm.SERVING;
        var shadow = io.nextitem.avro.ServingArm.SHADOW;
        // u1 is shadowed: each click brings the emitted (v1) list and the candidate's (v2) shadow list.
        armList("u1", "v1", serving, 1, "x", "a", "b");
        armList("u1", "v2", shadow, 1, "x", "c", "d");
        armList("u1", "v1", serving, 2, "d", "e");      // judges the v1 list (miss)
        armList("u1", "v2", shadow, 2, "d", "f");       // judges the shadow list: d at rank 2
        armList("u1", "v1", serving, 3, "e", "g");      // judges v1's second list: e at rank 1
        armList("u1", "v2", shadow, 3, "e", "h");       // judges the second shadow list: miss

        assertThat(harness.extractOutputValues()).extracting(io.nextitem.avro.LiveJudgement::getArm)
                .containsExactly("SERVING", "SHADOW", "SERVING", "SHADOW");
        assertThat(harness.extractOutputValues()).extracting(io.nextitem.avro.LiveJudgement::getRank)
                .containsExactly(0, 2, 1, 0);
        List<CanaryEvidenceDelta> deltas = harness.getSideOutput(LiveQualityFunction.CANARY_EVIDENCE).stream()
                .map(org.apache.flink.streaming.runtime.streamrecord.StreamRecord::getValue).toList();
        assertThat(deltas).extracting(d -> d.arm).containsExactly("SERVING", "SHADOW", "SERVING", "SHADOW");
        assertThat(deltas).extracting(d -> d.newUser).containsExactly(true, true, false, false);
        assertThat(deltas).extracting(d -> d.hit).containsExactly(false, true, true, false);
        assertThat(deltas).allSatisfy(d -> assertThat(d.candidate).isEqualTo("v2"));
        // the serving arm's user went (0 hits, 1 list) -> (1, 2): h^2 1 - 0, n^2 4 - 1, h*n 2 - 0
        CanaryEvidenceDelta second = deltas.get(2);
        assertThat(second.hitSquares).isEqualTo(1);
        assertThat(second.judgedSquares).isEqualTo(3);
        assertThat(second.hitsTimesJudged).isEqualTo(2);
    }

    @Test
    void eachListIsJudgedByTheUsersNextClickAndCountedForItsVersion() throws Exception {
        list("u1", "v1", 1, "x", "a", "b", "c");
        list("u2", "v1", 2, "y", "d", "e");
        list("u1", "v2", 3, "b", "f", "g"); // judges u1's v1 list: b at rank 2
        list("u2", "v1", 4, "q", "d");      // judges u2's v1 list: miss
        list("u1", "v2", 5, "g", "h");      // judges u1's v2 list: g at rank 2

        LiveQuality v1 = function.quality("v1");
        assertThat(v1.judged()).isEqualTo(2);
        assertThat(v1.hits()).isEqualTo(1);
        assertThat(v1.hitRate()).isEqualTo(0.5);
        assertThat(v1.ndcg()).isCloseTo(0.5 / (Math.log(3) / Math.log(2)), within(1e-12));
        LiveQuality v2 = function.quality("v2");
        assertThat(v2.judged()).isEqualTo(1);
        assertThat(v2.hitRate()).isEqualTo(1.0);
    }

    @Test
    void everyJudgementIsAlsoARecordWithItsListAndNextClick() throws Exception {
        list("u1", "v1", 1, "x", "a", "b", "c");
        list("u1", "v2", 3, "b", "f", "g"); // b at rank 2 of the v1 list
        list("u1", "v2", 5, "z", "h");      // miss on the v2 list

        List<io.nextitem.avro.LiveJudgement> records = harness.extractOutputValues();
        assertThat(records).hasSize(2);
        io.nextitem.avro.LiveJudgement hit = records.get(0);
        assertThat(hit.getModelVersion()).isEqualTo("v1");
        assertThat(hit.getListEventId()).isEqualTo("u1@1");
        assertThat(hit.getNextEventId()).isEqualTo("u1@3");
        assertThat(hit.getNextItemId()).isEqualTo("b");
        assertThat(hit.getRank()).isEqualTo(2);
        assertThat(hit.getNdcg()).isCloseTo(1 / (Math.log(3) / Math.log(2)), within(1e-12));
        assertThat(records.get(1).getRank()).isZero();
        assertThat(records.get(1).getNdcg()).isZero();
        assertThat(records.get(1).getModelVersion()).isEqualTo("v2");
    }

    @Test
    void aLateClickJudgesNothingAndTheNewestListStays() throws Exception {
        list("u1", "v1", 10, "x", "a", "b");
        list("u1", "v1", 5, "a", "z");  // older than the list it would judge
        list("u1", "v1", 11, "b", "c"); // judges the time-10 list: b at rank 2

        LiveQuality v1 = function.quality("v1");
        assertThat(v1.judged()).isEqualTo(1);
        assertThat(v1.hits()).isEqualTo(1);
    }

    @Test
    void onlyTheFirstTenCount() {
        LiveQuality quality = new LiveQuality(10);
        List<RankedItem> twelve = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            twelve.add(new RankedItem("i" + i, 1.0f, i + 1, false));
        }
        assertThat(quality.judge(twelve, "i9")).isEqualTo(10);
        assertThat(quality.judge(twelve, "i10")).isZero();
        assertThat(quality.judge(twelve, "i0")).isEqualTo(1);
        assertThat(quality.hits()).isEqualTo(2);
        assertThat(quality.ndcgSum()).isCloseTo(1.0 / (Math.log(11) / Math.log(2)) + 1.0, within(1e-12));
    }
}
