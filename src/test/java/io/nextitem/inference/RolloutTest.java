package io.nextitem.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nextitem.avro.ModelUpdate;
import io.nextitem.avro.ModelUpdateAction;
import io.nextitem.avro.ServingArm;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The serving decision folded from model.updates-topic, and the arms of a canary. */
class RolloutTest {
    private static ModelUpdate update(ModelUpdateAction action, String version, Double share, boolean shadow) {
        return ModelUpdate.newBuilder().setAction(action).setVersion(version).setShare(share).setShadow(shadow)
                .setIssuedAtMillis(0L).build();
    }

    private static ModelUpdate update(ModelUpdateAction action, String version) {
        return update(action, version, null, false);
    }

    @Test
    void aCanaryRunsBesideThePinUntilPromotedOrAborted() {
        Rollout pinned = Rollout.NONE.apply(update(ModelUpdateAction.PIN, "v1"));
        Rollout canary = pinned.apply(update(ModelUpdateAction.CANARY, "v2", 0.1, false));
        assertThat(canary).isEqualTo(new Rollout("v1", new Rollout.Canary("v2", 0.1, false)));

        assertThat(canary.apply(update(ModelUpdateAction.PROMOTE, null))).isEqualTo(new Rollout("v2", null));
        assertThat(canary.apply(update(ModelUpdateAction.PROMOTE, "v2"))).isEqualTo(new Rollout("v2", null));
        assertThat(canary.apply(update(ModelUpdateAction.ABORT, "v2"))).isEqualTo(pinned);
        assertThat(canary.apply(update(ModelUpdateAction.ABORT, "v3"))).as("a stale decision").isEqualTo(canary);
        assertThat(canary.apply(update(ModelUpdateAction.PROMOTE, "v3"))).as("a stale decision").isEqualTo(canary);
        assertThat(canary.apply(update(ModelUpdateAction.PIN, "v0"))).as("an operator's pin ends it")
                .isEqualTo(new Rollout("v0", null));
        assertThat(canary.apply(update(ModelUpdateAction.UNPIN, null))).isEqualTo(Rollout.NONE);
        assertThat(Rollout.NONE.apply(update(ModelUpdateAction.ABORT, null))).isEqualTo(Rollout.NONE);
    }

    @Test
    void refusesCommandsThatCannotBeObeyed() {
        assertThatThrownBy(() -> Rollout.NONE.apply(update(ModelUpdateAction.PIN, " "))).hasMessageContaining("PIN without");
        assertThatThrownBy(() -> Rollout.NONE.apply(update(ModelUpdateAction.CANARY, null, 0.1, false)))
                .hasMessageContaining("CANARY without");
        for (Double share : new Double[] {null, 0.0, -0.1, 1.5, Double.NaN}) {
            assertThatThrownBy(() -> Rollout.NONE.apply(update(ModelUpdateAction.CANARY, "v2", share, false)))
                    .hasMessageContaining("share in (0, 1]");
        }
    }

    @Test
    void armsAreStablePerUserSizedByTheShareAndDrawnAfreshPerCandidate() {
        Rollout.Canary canary = new Rollout.Canary("v2", 0.2, false);
        long inCandidate = IntStream.range(0, 100_000).filter(u -> canary.armOf("user-" + u) == ServingArm.CANDIDATE).count();
        assertThat(inCandidate / 100_000.0).isCloseTo(0.2, org.assertj.core.data.Offset.offset(0.01));
        for (int u = 0; u < 1_000; u++) {
            assertThat(new Rollout.Canary("v2", 0.2, false).armOf("user-" + u)).isEqualTo(canary.armOf("user-" + u));
        }
        Rollout.Canary next = new Rollout.Canary("v3", 0.2, false);
        long same = IntStream.range(0, 10_000).filter(u -> (canary.armOf("user-" + u) == ServingArm.CANDIDATE)
                == (next.armOf("user-" + u) == ServingArm.CANDIDATE)).count();
        assertThat(same / 10_000.0).as("another candidate draws its own arm").isCloseTo(0.68, org.assertj.core.data.Offset.offset(0.03));
        assertThat(new Rollout.Canary("v2", 0.2, true).armOf(IntStream.range(0, 1_000).mapToObj(u -> "user-" + u)
                .filter(u -> canary.armOf(u) == ServingArm.CANDIDATE).findFirst().orElseThrow())).isEqualTo(ServingArm.SHADOW);
        assertThat(new Rollout.Canary("v2", 1.0, false).armOf("anyone")).isEqualTo(ServingArm.CANDIDATE);
    }
}
