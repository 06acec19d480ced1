package io.nextitem.eval;

import io.nextitem.config.CanarySettings;
import java.util.Locale;

/**
 * The judge's reading of a canary: the difference in live HR@10 (candidate arm minus serving arm,
 * users as clusters) inside a confidence sequence, and what follows. The boundary is the
 * asymptotic confidence sequence of Waudby-Smith, Arbour, Sinha, Kennedy and Ramdas ("Time-uniform
 * central limit theory and asymptotic confidence sequences", 2021/2024): with t the judged users,
 * half-width = se * sqrt(2 (t r^2 + 1) / (t r^2) * log(sqrt(t r^2 + 1) / alpha)), which holds at
 * every t at once, so looking after every list does not inflate the error rate the way repeated
 * fixed-horizon tests would. r is tuned to be tightest near {@link #TUNED_USERS} users.
 *
 * @param decision PROMOTE (not worse by more than the margin), ABORT (worse by more, or
 *                 inconclusive at canary.max-judged-lists), or CONTINUE
 */
public record CanaryVerdict(Decision decision, double servingHitRate, double candidateHitRate, double lower,
                            double upper, double margin, long servingUsers, long candidateUsers, long candidateJudged,
                            long servingJudged) {
    static final double TUNED_USERS = 1_000;

    public enum Decision { CONTINUE, PROMOTE, ABORT }

    public static CanaryVerdict of(ArmSums serving, ArmSums candidate, CanarySettings settings) {
        double difference = candidate.hitRate() - serving.hitRate();
        double se = Math.sqrt(serving.hitRateVariance() + candidate.hitRateVariance());
        double halfWidth = se * multiplier(serving.users + candidate.users, settings.alpha);
        double lower = difference - halfWidth;
        double upper = difference + halfWidth;
        double margin = settings.margin * serving.hitRate();
        Decision decision = Decision.CONTINUE;
        if (serving.users >= settings.minUsers && candidate.users >= settings.minUsers && Double.isFinite(se)) {
            if (lower > -margin) {
                decision = Decision.PROMOTE;
            } else if (upper < -margin) {
                decision = Decision.ABORT;
            }
        }
        if (decision == Decision.CONTINUE && candidate.judged >= settings.maxJudgedLists) {
            decision = Decision.ABORT; // inconclusive: a canary must end
        }
        return new CanaryVerdict(decision, serving.hitRate(), candidate.hitRate(), lower, upper, margin, serving.users,
                candidate.users, candidate.judged, serving.judged);
    }

    /** The confidence sequence's half-width in standard errors after {@code users} users. */
    static double multiplier(long users, double alpha) {
        double logTerm = -2 * Math.log(alpha);
        double r2 = (logTerm + Math.log(logTerm + 1)) / TUNED_USERS;
        double tr2 = users * r2;
        return Math.sqrt(2 * (tr2 + 1) / tr2 * Math.log(Math.sqrt(tr2 + 1) / alpha));
    }

    /** The figures, for the decision's record and log line. */
    public String describe() {
        return String.format(Locale.ROOT, "live HR@10 candidate %.4f (%d users, %d lists) vs serving %.4f (%d users, "
                        + "%d lists); difference in [%.4f, %.4f] (confidence sequence), margin %.4f: %s",
                candidateHitRate, candidateUsers, candidateJudged, servingHitRate, servingUsers, servingJudged, lower, upper,
                margin,
                switch (decision) {
                    case PROMOTE -> "not worse by more than the margin";
                    case ABORT -> upper < -margin ? "worse by more than the margin" : "inconclusive at the limit";
                    case CONTINUE -> "undecided";
                });
    }
}
