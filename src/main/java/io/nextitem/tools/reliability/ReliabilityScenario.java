package io.nextitem.tools.reliability;

/** One way the job is hurt, then counted (a scenario of the failure-injection suite). */
interface ReliabilityScenario {
    String name();

    String description();

    /** What is done to the job, as reliability.json records it (e.g. "process-kill", "network-cut"). */
    String fault(JobCluster cluster);

    /** Whether the scenario can run on that cluster (some faults need separate processes). */
    default boolean runsOn(JobCluster cluster) {
        return true;
    }

    ScenarioResult run(ScenarioContext context) throws Exception;
}
