package io.nextitem.tools.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.nextitem.avro.ClickEvent;
import io.nextitem.avro.Recommendation;
import io.nextitem.avro.RecommendationSource;
import io.nextitem.testing.Clicks;
import java.util.List;
import org.junit.jupiter.api.Test;

class DeliveryCheckTest {
    private static final ClickEvent A1 = Clicks.click("a", "i1", Clicks.T0);
    private static final ClickEvent B1 = Clicks.click("b", "i2", Clicks.T0 + 1);
    private static final ClickEvent A2 = Clicks.click("a", "i3", Clicks.T0 + 2);
    private static final List<ClickEvent> SENT = List.of(A1, B1, A2);

    @Test
    void oneAnswerPerClickInEachUsersOrderIsExact() {
        // Users interleave freely; only each user's own order counts.
        DeliveryCheck check = DeliveryCheck.of(SENT, List.of(answer(B1), answer(A1), answer(A2)));
        assertThat(check).isEqualTo(new DeliveryCheck(3, 3, 0, 0, 0, 0));
        assertThat(check.exact()).isTrue();
    }

    @Test
    void aMissingAnswerIsLostAndASecondOneDuplicated() {
        DeliveryCheck check = DeliveryCheck.of(SENT, List.of(answer(A1), answer(A1), answer(A2)));
        assertThat(check.lost()).isEqualTo(1);
        assertThat(check.duplicated()).isEqualTo(1);
        assertThat(check.usersOutOfOrder()).isZero();
        assertThat(check.exact()).isFalse();
    }

    @Test
    void answersOutOfAUsersClickOrderAndAnswersToNothingSentAreCounted() {
        ClickEvent stranger = Clicks.click("c", "i9", Clicks.T0);
        DeliveryCheck check = DeliveryCheck.of(SENT, List.of(answer(A2), answer(B1), answer(A1), answer(stranger)));
        assertThat(check.usersOutOfOrder()).isEqualTo(1);
        assertThat(check.unexpected()).isEqualTo(1);
        assertThat(check.lost()).isZero();
        assertThat(check.exact()).isFalse();
    }

    @Test
    void aRetriedClickIsExpectedOnce() {
        DeliveryCheck check = DeliveryCheck.of(List.of(A1, A1, B1, A2), List.of(answer(A1), answer(B1), answer(A2)));
        assertThat(check.expected()).isEqualTo(3);
        assertThat(check.exact()).isTrue();
    }

    @Test
    void theExpectedSequenceIsTheNewestClicksInEventTimeOrderEachOnce() {
        ClickEvent late = Clicks.click("a", "i0", Clicks.T0 - 5); // arrives last, happened first
        List<ClickEvent> sent = List.of(A1, B1, A2, A1, late, Clicks.click("a", "i4", Clicks.T0 + 3));
        assertThat(SequenceStateCheck.expectedSequences(sent, 3).get("a")).containsExactly("i1", "i3", "i4");
        assertThat(SequenceStateCheck.expectedSequences(sent, 10).get("a")).containsExactly("i0", "i1", "i3", "i4");
        assertThat(SequenceStateCheck.expectedSequences(sent, 10).get("b")).containsExactly("i2");
    }

    private static Recommendation answer(ClickEvent click) {
        return Recommendation.newBuilder().setUserId(click.getUserId()).setTriggerEventId(click.getEventId())
                .setItems(List.of()).setModelName("m").setModelVersion("v").setSource(RecommendationSource.MODEL)
                .setEventTimeMillis(click.getEventTimeMillis()).setEmitTimeMillis(0L).setTriggerItemId(click.getItemId())
                .build();
    }
}
