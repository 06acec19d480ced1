package io.nextitem.tools.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.nextitem.avro.ClickEvent;
import io.nextitem.model.IdVocabulary;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReplayPlanTest {
    @TempDir
    Path tmp;

    @Test
    void everyValidClickIsSentAndRetriesRepeatEarlierClicksAfterThem() throws Exception {
        Path items = Files.writeString(tmp.resolve("items.tsv"), "1\ta\n2\tb\n3\tc\n");
        ReliabilityScale scale = new ReliabilityScale("t", 5_000, 50, 1, 0.05, 0, Duration.ofSeconds(1), Duration.ZERO, Duration.ofSeconds(1));
        ReplayPlan plan = ReplayPlan.of("s", scale, IdVocabulary.read(items, 3, "item"), 7, 1_000L);

        assertThat(plan.valid()).hasSize(5_000);
        assertThat(plan.valid()).extracting(ClickEvent::getEventId).doesNotHaveDuplicates();
        assertThat(plan.valid()).extracting(ClickEvent::getItemId).containsOnly("a", "b", "c");
        assertThat(plan.sent()).hasSize(5_000 + plan.retries());
        // 5% of 5,000: a binomial count well inside [150, 350].
        assertThat(plan.retries()).isBetween(150, 350);
        Set<String> seen = new HashSet<>();
        for (ClickEvent click : plan.sent()) {
            if (!seen.add(click.getEventId())) {
                assertThat(plan.valid()).contains(click);
            }
        }
        assertThat(seen).hasSize(5_000);
        List<ClickEvent> again = ReplayPlan.of("s", scale, IdVocabulary.read(items, 3, "item"), 7, 1_000L).sent();
        assertThat(again).isEqualTo(plan.sent());
    }
}
