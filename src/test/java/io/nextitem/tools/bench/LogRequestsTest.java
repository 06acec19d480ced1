package io.nextitem.tools.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nextitem.avro.ClickEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogRequestsTest {
    @TempDir
    Path tmp;

    @Test
    void aSampleHoldsWholeHistoriesOfAboutTheShareOfUsersInTimeOrder() throws Exception {
        StringBuilder csv = new StringBuilder("user_id,item_id,timestamp_ms\n");
        for (int click = 0; click < 5; click++) {
            for (int user = 0; user < 1000; user++) {
                csv.append("u").append(user).append(",i").append(click).append(',').append(10_000 - click * 1000 - user).append('\n');
            }
        }
        Path log = Files.writeString(tmp.resolve("clicks.csv"), csv);

        List<ClickEvent> half = LogRequests.sample(log, 0.5, 7);
        Set<String> users = new HashSet<>();
        half.forEach(c -> users.add(c.getUserId().toString()));
        assertThat(users.size()).as("about half of 1,000 users").isBetween(430, 570);
        assertThat(half).hasSize(users.size() * 5); // every click of a chosen user
        assertThat(IntStream.range(1, half.size()).allMatch(i ->
                half.get(i - 1).getEventTimeMillis() <= half.get(i).getEventTimeMillis())).isTrue();
        assertThat(LogRequests.sample(log, 0.5, 7)).extracting(ClickEvent::getEventId)
                .as("the same seed picks the same users").isEqualTo(half.stream().map(ClickEvent::getEventId).toList());
        assertThat(LogRequests.sample(log, 1.0, 7)).hasSize(5000);
        assertThat(users).as("another seed, other users").isNotEqualTo(userIds(LogRequests.sample(log, 0.5, 8)));
    }

    @Test
    void aShareThatPicksNobodySaysWhatToRaise() throws Exception {
        Path log = Files.writeString(tmp.resolve("one.csv"), "user_id,item_id,timestamp_ms\nu1,i1,1\n");
        assertThatThrownBy(() -> LogRequests.sample(log, 1e-9, 7)).hasMessageContaining("--scaling-user-share");
    }

    private static Set<String> userIds(List<ClickEvent> clicks) {
        Set<String> out = new HashSet<>();
        clicks.forEach(c -> out.add(c.getUserId().toString()));
        return out;
    }
}
