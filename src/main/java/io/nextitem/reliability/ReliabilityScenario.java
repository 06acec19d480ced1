package io.nextitem.reliability;

/** One way the job is hurt, then counted (issue 8's failure-injection suite). */
interface ReliabilityScenario {
    String name();

    String description();

    ScenarioResult run(ScenarioContext context) throws Exception;
}
