package io.nextitem.inference;

import static org.assertj.core.api.Assertions.assertThat;

import io.nextitem.avro.ServingArm;
import io.nextitem.model.ModelVersion;
import io.nextitem.sequence.ScoringRequest;
import io.nextitem.testing.DemoModel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A batch split by arm: each request answered by its arm's version, a shadowed one by both. */
class ServingLineupTest {
    private static List<SequenceRecommender.Prepared> requests(SequenceRecommender by, int users) {
        List<String> items = DemoModel.itemIds();
        List<SequenceRecommender.Prepared> prepared = new ArrayList<>();
        for (int u = 0; u < users; u++) {
            String[] seq = {items.get(u % items.size()), items.get((u * 7 + 3) % items.size())};
            prepared.add(by.prepare(new ScoringRequest("user-" + u, "e" + u, 1L, seq, new long[2], new String[2])));
        }
        return prepared;
    }

    @Test
    void eachRequestIsAnsweredByItsArm() throws Exception {
        ModelVersion version = ModelVersion.load(DemoModel.versionFolder());
        try (SequenceRecommender serving = new SequenceRecommender(version, new OnnxEncoder(version, "cpu", 1), 10);
             SequenceRecommender candidate = new SequenceRecommender(version, new OnnxEncoder(version, "cpu", 1), 10)) {
            List<SequenceRecommender.Prepared> batch = requests(serving, 200);

            Rollout.Canary canary = new Rollout.Canary("v2", 0.3, false);
            List<ServingLineup.Answers> answers = new ServingLineup(serving, candidate, canary).answer(batch);
            assertThat(answers).hasSize(200);
            for (int i = 0; i < answers.size(); i++) {
                ServingArm arm = canary.armOf("user-" + i);
                assertThat(answers.get(i).emittedArm()).isEqualTo(arm);
                assertThat(answers.get(i).emitted().by()).isSameAs(arm == ServingArm.CANDIDATE ? candidate : serving);
                assertThat(answers.get(i).emitted().prepared().request().userId).isEqualTo("user-" + i);
                assertThat(answers.get(i).shadow()).isNull();
            }
            assertThat(answers).extracting(ServingLineup.Answers::emittedArm).contains(ServingArm.SERVING, ServingArm.CANDIDATE);

            Rollout.Canary shadow = new Rollout.Canary("v2", 0.3, true);
            List<ServingLineup.Answers> shadowed = new ServingLineup(serving, candidate, shadow).answer(batch);
            for (int i = 0; i < shadowed.size(); i++) {
                boolean inArm = shadow.armOf("user-" + i) == ServingArm.SHADOW;
                assertThat(shadowed.get(i).emittedArm()).isEqualTo(ServingArm.SERVING);
                assertThat(shadowed.get(i).emitted().by()).isSameAs(serving);
                assertThat(shadowed.get(i).shadow() == null).isEqualTo(!inArm);
                if (inArm) {
                    assertThat(shadowed.get(i).shadow().by()).isSameAs(candidate);
                    assertThat(shadowed.get(i).shadow().prepared().request().userId).isEqualTo("user-" + i);
                }
            }

            assertThat(new ServingLineup(serving, null, null).answer(batch))
                    .allSatisfy(a -> assertThat(a.emitted().by()).isSameAs(serving));
        }
    }
}
