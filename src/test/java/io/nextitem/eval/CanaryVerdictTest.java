package io.nextitem.eval;

import static org.assertj.core.api.Assertions.assertThat;

import io.nextitem.config.CanarySettings;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The judge's statistics: user-level sums, the confidence sequence, and the three verdicts. */
class CanaryVerdictTest {
    /** Users with `lists` judged lists each, a hit with probability p; summed through the deltas the job emits. */
    private static ArmSums arm(String arm, int users, int lists, double p, Random random) {
        ArmSums sums = new ArmSums();
        for (int u = 0; u < users; u++) {
            long hits = 0;
            for (int n = 0; n < lists; n++) {
                boolean hit = random.nextDouble() < p;
                sums.add(CanaryEvidenceDelta.of("v2", "v1", arm, hits, n, hit));
                hits += hit ? 1 : 0;
            }
        }
        return sums;
    }

    @Test
    void theDeltasSumToTheUserLevelSums() {
        ArmSums sums = new ArmSums();
        // user a: hit, miss, hit; user b: miss
        sums.add(CanaryEvidenceDelta.of("v2", "v1", "CANDIDATE", 0, 0, true));
        sums.add(CanaryEvidenceDelta.of("v2", "v1", "CANDIDATE", 1, 1, false));
        sums.add(CanaryEvidenceDelta.of("v2", "v1", "CANDIDATE", 1, 2, true));
        sums.add(CanaryEvidenceDelta.of("v2", "v1", "CANDIDATE", 0, 0, false));
        assertThat(sums.users).isEqualTo(2);
        assertThat(sums.judged).isEqualTo(4);
        assertThat(sums.hits).isEqualTo(2);
        assertThat(sums.judgedSquares).isEqualTo(3 * 3 + 1);
        assertThat(sums.hitSquares).isEqualTo(2 * 2);
        assertThat(sums.hitsTimesJudged).isEqualTo(2 * 3);
        // p = 0.5; residuals (2 - 1.5)^2 + (0 - 0.5)^2 = 0.5; / 16 * 2 / 1
        assertThat(sums.hitRateVariance()).isCloseTo(0.0625, org.assertj.core.data.Offset.offset(1e-12));
    }

    @Test
    void aMuchWorseCandidateIsAbortedAndANotWorseOnePromoted() {
        CanarySettings settings = new CanarySettings();
        Random random = new Random(3);
        ArmSums serving = arm("SERVING", 900, 5, 0.20, random);
        assertThat(CanaryVerdict.of(serving, arm("CANDIDATE", 100, 5, 0.02, random), settings).decision())
                .isEqualTo(CanaryVerdict.Decision.ABORT);
        CanaryVerdict better = CanaryVerdict.of(serving, arm("CANDIDATE", 300, 5, 0.30, random), settings);
        assertThat(better.decision()).as(better.describe()).isEqualTo(CanaryVerdict.Decision.PROMOTE);
        CanaryVerdict tooFew = CanaryVerdict.of(serving, arm("CANDIDATE", 20, 5, 0.02, random), settings);
        assertThat(tooFew.decision()).as("under canary.min-users").isEqualTo(CanaryVerdict.Decision.CONTINUE);
    }

    @Test
    void anEqualCandidateWithLittleEvidenceWaitsAndIsAbortedAsInconclusiveAtTheLimit() {
        CanarySettings settings = new CanarySettings();
        settings.maxJudgedLists = 1_000;
        Random random = new Random(5);
        ArmSums serving = arm("SERVING", 60, 3, 0.2, random);
        CanaryVerdict early = CanaryVerdict.of(serving, arm("CANDIDATE", 60, 3, 0.2, random), settings);
        assertThat(early.decision()).as(early.describe()).isEqualTo(CanaryVerdict.Decision.CONTINUE);
        CanaryVerdict atLimit = CanaryVerdict.of(serving, arm("CANDIDATE", 200, 5, 0.2, random), settings);
        assertThat(atLimit.decision()).isEqualTo(CanaryVerdict.Decision.ABORT);
        assertThat(atLimit.describe()).contains("inconclusive");
    }

    @Test
    void theBoundaryIsWiderThanAFixedHorizonIntervalAndStaysValidUnderRepeatedLooks() {
        assertThat(CanaryVerdict.multiplier(1_000, 0.05)).isGreaterThan(1.96);
        // Equal arms, looked at after every user up to 2,000: the boundary is crossed (a false
        // verdict either way) in few of 200 simulated canaries; a 1.96 interval at every look would cross far more often.
        CanarySettings settings = new CanarySettings();
        settings.margin = 0; // any crossing of zero counts as an error here
        settings.minUsers = 20;
        settings.maxJudgedLists = Long.MAX_VALUE;
        int errors = 0;
        Random random = new Random(11);
        for (int run = 0; run < 200; run++) {
            ArmSums a = new ArmSums();
            ArmSums b = new ArmSums();
            boolean crossed = false;
            for (int user = 0; user < 2_000 && !crossed; user++) {
                ArmSums arm = user % 2 == 0 ? a : b;
                boolean hit = random.nextDouble() < 0.2;
                arm.add(CanaryEvidenceDelta.of("v2", "v1", user % 2 == 0 ? "SERVING" : "CANDIDATE", 0, 0, hit));
                if (user % 10 == 9) {
                    CanaryVerdict verdict = CanaryVerdict.of(a, b, settings);
                    crossed = verdict.lower() > 0 || verdict.upper() < 0;
                }
            }
            errors += crossed ? 1 : 0;
        }
        assertThat(errors).as("false verdicts in 200 canaries at alpha 0.05").isLessThanOrEqualTo(20);
    }
}
