package io.nextitem.inference;

import io.nextitem.avro.Recommendation;
import io.nextitem.avro.ServingArm;
import java.util.List;

/** The lists of one request's answers, each naming its arm, with their counts in the metrics. */
final class ArmLists {
    private ArmLists() {}

    /** The emitted list, then (for a shadowed user) the candidate's list marked SHADOW. */
    static List<Recommendation> of(ServingLineup.Answers answers, ServedModel served, long nowMillis) {
        Recommendation emitted = ranked(answers.emitted(), answers.emittedArm(), answers.trial(), served, nowMillis);
        if (answers.shadow() == null) {
            return List.of(emitted);
        }
        return List.of(emitted, ranked(answers.shadow(), ServingArm.SHADOW, answers.trial(), served, nowMillis));
    }

    private static Recommendation ranked(SequenceRecommender.Answered answered, ServingArm arm, String trial,
                                         ServedModel served, long nowMillis) {
        SequenceRecommender.Scored scored = answered.rank(nowMillis);
        if (arm != ServingArm.SHADOW) {
            served.record(scored); // the emitted lists' counts; a shadow list is counted by its arm only
        }
        served.recordArm(arm);
        Recommendation list = scored.recommendation();
        list.setArm(arm);
        list.setCanaryCandidate(trial);
        return list;
    }
}
