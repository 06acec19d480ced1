package io.nextitem.eval;

/**
 * One arm's live evidence in a canary, summed over users so that the variance can be taken with
 * users as the unit (a user's lists are correlated): per user u with n_u judged lists and h_u
 * hits, the sums of n, h, n^2, h^2 and h*n. A user's tally changes by a delta
 * ({@link CanaryEvidenceDelta}); adding it keeps the sums exact without holding any user here.
 * A Flink POJO (the judge's keyed state).
 */
public class ArmSums {
    public long users;
    public long judged;
    public long hits;
    public double judgedSquares;
    public double hitSquares;
    public double hitsTimesJudged;

    public ArmSums() {}

    void add(CanaryEvidenceDelta d) {
        users += d.newUser ? 1 : 0;
        judged += 1;
        hits += d.hit ? 1 : 0;
        judgedSquares += d.judgedSquares;
        hitSquares += d.hitSquares;
        hitsTimesJudged += d.hitsTimesJudged;
    }

    /** HR@10 over the arm's judged lists (the ratio estimator). */
    public double hitRate() {
        return judged == 0 ? 0 : (double) hits / judged;
    }

    /**
     * Variance of {@link #hitRate()} with users as clusters: sum_u (h_u - p n_u)^2 / N^2, times
     * U / (U - 1).
     */
    public double hitRateVariance() {
        if (users < 2 || judged == 0) {
            return Double.POSITIVE_INFINITY;
        }
        double p = hitRate();
        double residuals = hitSquares - 2 * p * hitsTimesJudged + p * p * judgedSquares;
        return Math.max(residuals, 0) / ((double) judged * judged) * users / (users - 1.0);
    }
}
