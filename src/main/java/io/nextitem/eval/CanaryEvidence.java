package io.nextitem.eval;

/** The judge's state for one candidate: both arms' sums, and whether a verdict was reached. A Flink POJO. */
public class CanaryEvidence {
    public ArmSums serving = new ArmSums();
    public ArmSums candidate = new ArmSums();
    public String servingVersion;
    /** PROMOTE or ABORT once decided (the judge then ignores the trial), else null. */
    public String decided;

    public CanaryEvidence() {}
}
