package io.nextitem.inference;

import ai.onnxruntime.OrtException;
import io.nextitem.avro.ServingArm;
import java.util.ArrayList;
import java.util.List;

/**
 * What one batch is scored with: the serving version and, during a canary, the candidate and its
 * arms. Each request goes to its user's arm: the serving version, the candidate, or (shadow)
 * both, the candidate's list then judged but never emitted. One encoder call per version.
 *
 * @param candidate null when no canary runs
 * @param canary    null when no canary runs
 */
record ServingLineup(SequenceRecommender serving, SequenceRecommender candidate, Rollout.Canary canary) {

    /** A request's answers: the list to emit and, for a shadowed user, the candidate's list to judge only. */
    record Answers(SequenceRecommender.Answered emitted, ServingArm emittedArm, SequenceRecommender.Answered shadow,
                   String trial) {}

    /** The candidate's version while a canary runs, else null (Recommendation.canary_candidate). */
    String trial() {
        return candidate == null || canary == null ? null : candidate.version().version();
    }

    ServingArm armOf(String userId) {
        return candidate == null || canary == null ? ServingArm.SERVING : canary.armOf(userId);
    }

    List<Answers> answer(List<SequenceRecommender.Prepared> requests) throws OrtException {
        if (candidate == null) {
            List<Answers> out = new ArrayList<>(requests.size());
            for (SequenceRecommender.Answered answered : serving.answer(requests)) {
                out.add(new Answers(answered, ServingArm.SERVING, null, null));
            }
            return out;
        }
        ServingArm[] arms = new ServingArm[requests.size()];
        List<SequenceRecommender.Prepared> toServing = new ArrayList<>(requests.size());
        List<SequenceRecommender.Prepared> toCandidate = new ArrayList<>();
        for (int i = 0; i < arms.length; i++) {
            SequenceRecommender.Prepared request = requests.get(i);
            arms[i] = armOf(request.request().userId);
            if (arms[i] != ServingArm.CANDIDATE) {
                toServing.add(request);
            }
            if (arms[i] != ServingArm.SERVING) {
                toCandidate.add(request);
            }
        }
        List<SequenceRecommender.Answered> fromServing = toServing.isEmpty() ? List.of() : serving.answer(toServing);
        List<SequenceRecommender.Answered> fromCandidate = toCandidate.isEmpty() ? List.of() : candidate.answer(toCandidate);
        List<Answers> out = new ArrayList<>(arms.length);
        String trial = trial();
        int s = 0;
        int c = 0;
        for (ServingArm arm : arms) {
            out.add(switch (arm) {
                case SERVING -> new Answers(fromServing.get(s++), ServingArm.SERVING, null, trial);
                case CANDIDATE -> new Answers(fromCandidate.get(c++), ServingArm.CANDIDATE, null, trial);
                case SHADOW -> new Answers(fromServing.get(s++), ServingArm.SERVING, fromCandidate.get(c++), trial);
            });
        }
        return out;
    }
}
