package io.nextitem.tools.soak;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SoakReportTest {
    @Test
    void theSlopeIsPerHourOverTheSampledMinutes() {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int minute = 0; minute <= 30; minute++) {
            rows.add(row(minute, "taskmanager-1.rss_mib", 500 + minute * 2.0));   // +2 MiB a minute
        }
        Map<String, Object> rss = SoakReport.series(rows).get("taskmanager-1.rss_mib");
        assertThat((double) rss.get("slope_per_hour")).isEqualTo(120.0);
        assertThat(rss.get("first")).isEqualTo(500.0);
        assertThat(rss.get("last")).isEqualTo(560.0);
        assertThat(SoakReport.series(rows)).doesNotContainKey("minute");
    }

    @Test
    void aFlatStatePassesAndAGrowingOneFails() {
        List<Map<String, Object>> flat = new ArrayList<>();
        List<Map<String, Object>> growing = new ArrayList<>();
        for (int minute = 0; minute <= 30; minute++) {
            double filled = Math.min(minute, 8) * 10.0;   // fills until minute 8, then holds
            flat.add(state(minute, filled + (minute % 2), filled));
            growing.add(state(minute, minute * 10.0, minute * 10.0));
        }
        Map<String, Object> flatCheck = SoakReport.stateCheck(flat, 30, 7);
        assertThat(flatCheck.get("judged")).isEqualTo(true);
        assertThat(flatCheck.get("passed")).isEqualTo(true);
        Map<String, Object> growingCheck = SoakReport.stateCheck(growing, 30, 7);
        assertThat(growingCheck.get("passed")).isEqualTo(false);
        // 150 MiB on average over minutes 13-17, 290 over 28-30
        assertThat(((Map<?, ?>) growingCheck.get("checkpoint_state_mib")).get("change")).isEqualTo(0.933);
    }

    @Test
    void theRocksDbFoldersAreReportedButTheCheckpointedStateDecides() {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int minute = 0; minute <= 30; minute++) {
            double level = Math.min(minute, 8) * 10.0;
            rows.add(state(minute, level, minute >= 12 && minute <= 18 ? level * 1.3 : level));   // compactions' leftovers
        }
        Map<String, Object> check = SoakReport.stateCheck(rows, 30, 7);
        assertThat(((Map<?, ?>) check.get("rocksdb_mib")).get("within_tolerance")).isEqualTo(false);
        assertThat(((Map<?, ?>) check.get("rocksdb_mib")).get("judged")).isEqualTo(false);
        assertThat(check.get("passed")).isEqualTo(true);
    }

    @Test
    void oneReadingAtACompactionsPeakDoesNotDecideTheCheck() {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int minute = 0; minute <= 30; minute++) {
            double level = Math.min(minute, 8) * 10.0;
            rows.add(state(minute, minute == 15 ? level * 1.4 : level, level));   // one reading at a peak
        }
        Map<String, Object> check = SoakReport.stateCheck(rows, 30, 7);
        assertThat(((Map<?, ?>) check.get("checkpoint_state_mib")).get("at_half")).isEqualTo(86.4);
        assertThat(check.get("passed")).isEqualTo(true);
    }

    @Test
    void aSoakTooShortToExpireAnyoneIsNotJudgedOnItsState() {
        List<Map<String, Object>> growing = new ArrayList<>();
        for (int minute = 0; minute <= 3; minute++) {
            growing.add(state(minute, minute * 10.0, minute * 10.0));
        }
        Map<String, Object> check = SoakReport.stateCheck(growing, 3, 2);
        assertThat(check.get("judged")).isEqualTo(false);
        assertThat(check.get("passed")).isEqualTo(true);
    }

    @Test
    void clicksComeFromAWindowOfUsersThatSlidesOn() {
        ChurningClicks clicks = new ChurningClicks("r", vocabulary(), 10, 60, 7);
        var early = new java.util.HashSet<String>();
        var late = new java.util.HashSet<String>();
        for (int i = 0; i < 500; i++) {
            early.add(clicks.next(0, 1_000).getUserId().toString());
            late.add(clicks.next(5, 2_000).getUserId().toString());
        }
        assertThat(early).hasSize(10).allMatch(u -> Integer.parseInt(u.substring(3)) < 10);
        assertThat(late).hasSize(10).allMatch(u -> Integer.parseInt(u.substring(3)) >= 300);
        assertThat(clicks.sent()).isEqualTo(1000);
        assertThat(clicks.numberOf("r-999")).isEqualTo(999);
        assertThat(clicks.numberOf("other-1")).isEqualTo(-1);
    }

    private static io.nextitem.model.IdVocabulary vocabulary() {
        try {
            java.nio.file.Path file = java.nio.file.Files.createTempFile("items", ".txt");
            java.nio.file.Files.writeString(file, "1\ta\n2\tb\n3\tc\n");
            return io.nextitem.model.IdVocabulary.read(file, 3, "item");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static Map<String, Object> row(double minute, String name, double value) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("minute", minute);
        row.put(name, value);
        return row;
    }

    private static Map<String, Object> state(double minute, double checkpointMib, double rocksDbMib) {
        Map<String, Object> row = row(minute, "checkpoint_state_mib", checkpointMib);
        row.put("rocksdb_mib", rocksDbMib);
        return row;
    }
}
