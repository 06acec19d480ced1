package io.nextitem.tools.reliability;

import io.nextitem.avro.ClickEvent;
import io.nextitem.avro.Recommendation;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a downstream service saw, against what was sent: every valid click must have exactly one
 * recommendation (read with read_committed), and each user's recommendations must come in the
 * order of that user's clicks (the topic is keyed by user, so a consumer relies on it).
 *
 * @param lost                  valid clicks with no recommendation
 * @param duplicated            recommendations beyond the first for a click
 * @param unexpected            recommendations for no click that was sent
 * @param usersOutOfOrder       users whose recommendations do not follow their clicks' order
 */
record DeliveryCheck(long expected, long received, long lost, long duplicated, long unexpected, long usersOutOfOrder) {

    /** @param sent the valid clicks in the order they were produced (per user: event-time order) */
    static DeliveryCheck of(List<ClickEvent> sent, List<Recommendation> received) {
        Map<String, List<String>> clicksByUser = new LinkedHashMap<>();
        Set<String> sentIds = new HashSet<>();
        for (ClickEvent click : sent) {
            if (sentIds.add(click.getEventId())) {
                clicksByUser.computeIfAbsent(click.getUserId(), u -> new ArrayList<>()).add(click.getEventId());
            }
        }
        Map<String, Integer> copies = new HashMap<>();
        Map<String, List<String>> answersByUser = new HashMap<>();
        long unexpected = 0;
        for (Recommendation r : received) {
            String trigger = r.getTriggerEventId();
            if (!sentIds.contains(trigger)) {
                unexpected++;
                continue;
            }
            if (copies.merge(trigger, 1, Integer::sum) == 1) {
                answersByUser.computeIfAbsent(r.getUserId(), u -> new ArrayList<>()).add(trigger);
            }
        }
        long duplicated = copies.values().stream().mapToLong(n -> n - 1L).sum();
        long lost = sentIds.size() - copies.size();
        long outOfOrder = 0;
        for (Map.Entry<String, List<String>> user : clicksByUser.entrySet()) {
            List<String> answered = answersByUser.getOrDefault(user.getKey(), List.of());
            List<String> clicksAnswered = user.getValue().stream().filter(copies::containsKey).toList();
            if (!answered.equals(clicksAnswered)) {
                outOfOrder++;
            }
        }
        return new DeliveryCheck(sentIds.size(), received.size(), lost, duplicated, unexpected, outOfOrder);
    }

    boolean exact() {
        return lost == 0 && duplicated == 0 && unexpected == 0 && usersOutOfOrder == 0;
    }
}
