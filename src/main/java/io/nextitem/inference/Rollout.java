package io.nextitem.inference;

import io.nextitem.avro.ModelUpdate;
import io.nextitem.avro.ModelUpdateAction;
import io.nextitem.avro.ServingArm;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.utils.Utils;

/**
 * The serving decision as model.updates-topic has made it so far: the pinned version (null:
 * model.version) and the canary running beside it (null: none). Every recommend subtask folds
 * the topic from its beginning through {@link #apply}, so all of them, and every restart, reach
 * the same decision by the same rule.
 *
 * @param pinned the version every user not in a canary gets; null for model.version
 * @param canary the candidate on trial, or null
 */
public record Rollout(String pinned, Canary canary) {
    public static final Rollout NONE = new Rollout(null, null);

    /**
     * A candidate on trial: the users whose salted hash falls below {@code share} are its arm.
     * The salt is the candidate's folder name, so a user keeps one arm for the whole canary,
     * across restarts and rescaling (nothing is stored), while each new candidate draws afresh.
     */
    public record Canary(String candidate, double share, boolean shadow) {
        /** Where a user's hash falls in [0, 1) for this candidate (Kafka's murmur2 over salt and id). */
        public double position(String userId) {
            byte[] bytes = (candidate + '\u0000' + userId).getBytes(StandardCharsets.UTF_8);
            return Utils.toPositive(Utils.murmur2(bytes)) / (Integer.MAX_VALUE + 1.0);
        }

        /** The arm of a user: CANDIDATE (SHADOW when shadowed: it also gets the serving list) or SERVING. */
        public ServingArm armOf(String userId) {
            if (position(userId) >= share) {
                return ServingArm.SERVING;
            }
            return shadow ? ServingArm.SHADOW : ServingArm.CANDIDATE;
        }
    }

    /**
     * The decision after {@code update}. PIN and UNPIN end a canary (an operator took the
     * wheel); CANARY starts or replaces one; PROMOTE pins the candidate; ABORT ends it. A PROMOTE
     * or ABORT naming another candidate than the one on trial (a stale decision) changes nothing.
     *
     * @throws IllegalArgumentException for a command that cannot be obeyed, with why
     */
    public Rollout apply(ModelUpdate update) {
        ModelUpdateAction action = update.getAction();
        String version = update.getVersion() == null || update.getVersion().isBlank() ? null : update.getVersion();
        return switch (action) {
            case PIN -> {
                if (version == null) {
                    throw new IllegalArgumentException("PIN without a version");
                }
                yield new Rollout(version, null);
            }
            case UNPIN -> NONE;
            case CANARY -> {
                Double share = update.getShare();
                if (version == null) {
                    throw new IllegalArgumentException("CANARY without a version");
                }
                if (share == null || !(share > 0 && share <= 1)) {
                    throw new IllegalArgumentException("CANARY " + version + " needs a share in (0, 1], got " + share);
                }
                yield new Rollout(pinned, new Canary(version, share, update.getShadow()));
            }
            case PROMOTE -> concerns(version) ? new Rollout(canary.candidate(), null) : this;
            case ABORT -> concerns(version) ? new Rollout(pinned, null) : this;
        };
    }

    private boolean concerns(String candidate) {
        return canary != null && (candidate == null || candidate.equals(canary.candidate()));
    }
}
