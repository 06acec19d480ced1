package io.nextitem.config;

import java.io.Serializable;
import java.util.List;

/**
 * How a canary's candidate is judged on live traffic (the canary-judge stage): users, not lists,
 * are the unit, and the candidate may be promoted or aborted whenever the evidence allows, under
 * a confidence sequence that stays valid however often it is looked at.
 */
public class CanarySettings implements Serializable {
    private static final long serialVersionUID = 1L;

    static final Setting.Section<CanarySettings> SECTION = Setting.Section.of("canary", config -> config.canary);
    static final Setting<CanarySettings, Boolean> AUTO = SECTION.key("auto").booleanType()
            .defaultValue(false)
            .withDescription("The automatic policy. On: every new version in the registry starts as a canary of "
                    + "canary.share instead of replacing the serving version (one that arrives during a canary waits; "
                    + "the newest waiting one goes next), and the judge writes PROMOTE for a candidate not worse than "
                    + "the serving version by more than canary.margin, and ABORT for one worse by more, to "
                    + "model.updates-topic (which must be set). Off: new versions swap in as before, the judge logs its "
                    + "verdict and shows it in metrics, and operators decide.")
            .field(c -> c.auto, (c, v) -> c.auto = v);
    static final Setting<CanarySettings, Double> SHARE = SECTION.key("share").doubleType()
            .defaultValue(0.1)
            .withDescription("With canary.auto: the share of users in the candidate's arm when a new version starts "
                    + "as a canary.")
            .field(c -> c.share, (c, v) -> c.share = v);
    static final Setting<CanarySettings, Double> MARGIN = SECTION.key("margin").doubleType()
            .defaultValue(0.05)
            .withDescription("Non-inferiority margin, relative to the serving arm's live HR@10: 0.05 accepts a "
                    + "candidate down to 95% of it.")
            .field(c -> c.margin, (c, v) -> c.margin = v);
    static final Setting<CanarySettings, Double> ALPHA = SECTION.key("alpha").doubleType()
            .defaultValue(0.05)
            .withDescription("Error rate of the confidence sequence on the arms' difference in HR@10, over all looks.")
            .field(c -> c.alpha, (c, v) -> c.alpha = v);
    static final Setting<CanarySettings, Integer> MIN_USERS = SECTION.key("min-users").intType()
            .defaultValue(50)
            .withDescription("Judged users each arm needs before any verdict (the normal approximation's floor).")
            .checkedBy(ConfigChecks.atLeast(2))
            .field(c -> c.minUsers, (c, v) -> c.minUsers = v);
    static final Setting<CanarySettings, Long> MAX_JUDGED_LISTS = SECTION.key("max-judged-lists").longType()
            .defaultValue(20_000L)
            .withDescription("Judged lists of the candidate's arm after which a canary still undecided is aborted "
                    + "as inconclusive.")
            .checkedBy(ConfigChecks.atLeast(1))
            .field(c -> c.maxJudgedLists, (c, v) -> c.maxJudgedLists = v);
    static final List<Setting<CanarySettings, ?>> SETTINGS = List.of(AUTO, SHARE, MARGIN, ALPHA, MIN_USERS, MAX_JUDGED_LISTS);

    public boolean auto = AUTO.defaultValue();
    public double share = SHARE.defaultValue();
    public double margin = MARGIN.defaultValue();
    public double alpha = ALPHA.defaultValue();
    public int minUsers = MIN_USERS.defaultValue();
    public long maxJudgedLists = MAX_JUDGED_LISTS.defaultValue();

    void validate(List<String> errors) {
        Setting.checkAll(SETTINGS, this, errors);
        if (!(share > 0 && share <= 1)) {
            errors.add("canary.share must be in (0, 1], is " + share);
        }
        if (!(margin >= 0 && margin < 1)) {
            errors.add("canary.margin must be in [0, 1), is " + margin);
        }
        if (!(alpha > 0 && alpha < 1)) {
            errors.add("canary.alpha must be in (0, 1), is " + alpha);
        }
    }
}
