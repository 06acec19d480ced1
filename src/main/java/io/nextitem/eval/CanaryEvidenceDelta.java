package io.nextitem.eval;

/**
 * One judged list of a canary, as the change it makes to its arm's sums ({@link ArmSums}): the
 * user's tally in that arm went from (h, n) to (h + hit, n + 1). Emitted by the live-quality
 * stage (keyed by user, which holds the tallies), summed by the canary judge (keyed by candidate).
 */
public class CanaryEvidenceDelta {
    /** The candidate version on trial (Recommendation.canary_candidate). */
    public String candidate;
    /** The serving version the list was compared under (for the verdict's log line). */
    public String servingVersion;
    /** SERVING (the control) or CANDIDATE / SHADOW (the treatment). */
    public String arm;
    /** The user's first judged list in this arm of this trial. */
    public boolean newUser;
    public boolean hit;
    public double judgedSquares;
    public double hitSquares;
    public double hitsTimesJudged;

    public CanaryEvidenceDelta() {}

    /** The delta of a user's tally going from (hits, judged) to (hits + hit, judged + 1). */
    static CanaryEvidenceDelta of(String candidate, String servingVersion, String arm, long hits, long judged, boolean hit) {
        CanaryEvidenceDelta d = new CanaryEvidenceDelta();
        d.candidate = candidate;
        d.servingVersion = servingVersion;
        d.arm = arm;
        d.newUser = judged == 0;
        d.hit = hit;
        long h2 = hits + (hit ? 1 : 0);
        long n2 = judged + 1;
        d.judgedSquares = (double) n2 * n2 - (double) judged * judged;
        d.hitSquares = (double) h2 * h2 - (double) hits * hits;
        d.hitsTimesJudged = (double) h2 * n2 - (double) hits * judged;
        return d;
    }

    boolean treatment() {
        return !"SERVING".equals(arm);
    }
}
