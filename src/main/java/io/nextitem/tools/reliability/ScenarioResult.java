package io.nextitem.tools.reliability;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One scenario's count, the fields {@code reliability.json} carries per scenario.
 *
 * @param events                     distinct valid clicks sent
 * @param retriesSent                records that repeated an earlier event id (must get no second answer)
 * @param failuresInjected           task managers killed, broker outages, or savepoint restarts
 * @param recoveries                 restarts the job made from its checkpoints (attempt numbers)
 * @param restartsCausedByBadInput   restarts beyond those the injected failures explain
 * @param sequencesMismatched        users whose sequence in the final savepoint differs from what the input implies
 */
record ScenarioResult(String scenario, String description, long events, long retriesSent, long failuresInjected,
                      long recoveries, DeliveryCheck delivery, SequenceStateCheck state, DeadLetterCheck deadLetters,
                      long restartsCausedByBadInput, double seconds) {

    boolean passed() {
        return delivery.exact() && state.mismatched() == 0 && state.users() > 0 && deadLetters.exact()
                && restartsCausedByBadInput == 0;
    }

    Map<String, Object> toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("scenario", scenario);
        json.put("description", description);
        json.put("events", events);
        json.put("retries_sent", retriesSent);
        json.put("failures_injected", failuresInjected);
        json.put("recoveries", recoveries);
        json.put("recommendations_read", delivery.received());
        json.put("lost", delivery.lost());
        json.put("duplicated", delivery.duplicated());
        json.put("unexpected", delivery.unexpected());
        json.put("users_out_of_order", delivery.usersOutOfOrder());
        json.put("users_in_state", state.users());
        json.put("sequences_mismatched", state.mismatched());
        json.put("malformed", deadLetters.expected());
        json.put("dead_letters", deadLetters.received());
        json.put("dead_letters_by_reason", deadLetters.byReason());
        json.put("malformed_without_their_dead_letter", deadLetters.missing());
        json.put("dead_letters_unexplained", deadLetters.unexplained());
        json.put("restarts_caused_by_bad_input", restartsCausedByBadInput);
        json.put("seconds", Math.round(seconds * 10) / 10.0);
        json.put("passed", passed());
        return json;
    }
}
