package io.nextitem.tools.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nextitem.avro.ClickEvent;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClickFileReaderTest {
    private static List<ClickEvent> read(String text, ClickFileFormat format) throws IOException {
        return ClickFileReader.read(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), "clicks.txt", format);
    }

    @Test
    void movieLensLinesBecomeClicksInEventTimeOrder() throws IOException {
        List<ClickEvent> clicks = read("1::10::5::978300760\n1::20::3::978300000\n2::10::4::978300500\n",
                ClickFileFormat.MOVIELENS);
        assertThat(clicks).extracting(ClickEvent::getItemId).containsExactly("20", "10", "10");
        assertThat(clicks.get(0).getEventTimeMillis()).isEqualTo(978_300_000_000L);
        assertThat(clicks).extracting(ClickEvent::getEventId).doesNotHaveDuplicates();
    }

    @Test
    void csvColumnsAreFoundByHeaderNameAndSameTimeClicksKeepFileOrder() throws IOException {
        List<ClickEvent> clicks = read("timestamp_ms,item_id,user_id,category\n5,b,u1,\n5,a,u1,drama\n1,c,u2,x\n",
                ClickFileFormat.CSV);
        assertThat(clicks).extracting(ClickEvent::getItemId).containsExactly("c", "b", "a");
        assertThat(clicks.get(1).getCategory()).isNull();
        assertThat(clicks.get(2).getCategory()).isEqualTo("drama");
    }

    @Test
    void sasRecLinesKeepEachUsersFileOrderAsEventTime() throws IOException {
        List<ClickEvent> clicks = read("1 30\n1 10\n\n2 10\n1 20\n", ClickFileFormat.SASREC);
        assertThat(clicks).extracting(ClickEvent::getItemId).containsExactly("30", "10", "10", "20");
        assertThat(clicks).extracting(ClickEvent::getEventTimeMillis).isSorted().doesNotHaveDuplicates();
        // the job dead-letters clicks before 1990 (decoder.min-event-time-millis): a replay must not
        assertThat(clicks.get(0).getEventTimeMillis()).isGreaterThan(631_152_000_000L);
        assertThatThrownBy(() -> read("1 30\n1\t10 extra\n", ClickFileFormat.SASREC))
                .hasMessageStartingWith("clicks.txt:2: expected 'user item'");
    }

    @Test
    void theFormatFollowsTheFileNameWithOrWithoutGzip() {
        assertThat(ClickFileFormat.ofFileName("ratings.dat")).isEqualTo(ClickFileFormat.MOVIELENS);
        assertThat(ClickFileFormat.ofFileName("Video.txt.gz")).isEqualTo(ClickFileFormat.SASREC);
        assertThat(ClickFileFormat.ofFileName("clicks.csv.gz")).isEqualTo(ClickFileFormat.CSV);
    }

    @Test
    void aMalformedLineNamesTheFileTheLineAndWhatWasExpected() {
        assertThatThrownBy(() -> read("1::10::5::978300760\n1::x\n", ClickFileFormat.MOVIELENS))
                .hasMessageStartingWith("clicks.txt:2: expected user::item::rating::timestamp, got '1::x'");
        assertThatThrownBy(() -> read("user_id,item_id,timestamp_ms\nu1,i1,yesterday\n", ClickFileFormat.CSV))
                .hasMessageStartingWith("clicks.txt:2: expected timestamp_ms as an integer");
        assertThatThrownBy(() -> read("user,item,time\n", ClickFileFormat.CSV))
                .hasMessageContaining("clicks.txt:1: expected a header naming user_id, item_id and timestamp_ms");
    }
}
