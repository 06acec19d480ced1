package io.nextitem.tools.replay;

import io.nextitem.avro.ClickEvent;
import io.nextitem.avro.EventType;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.function.Predicate;
import java.util.zip.GZIPInputStream;

/**
 * Reads a click log into ClickEvents in event-time order (stable, so same-time clicks keep file
 * order). A malformed line stops the read with {@code source:line: expected ..., got ...}.
 */
public final class ClickFileReader {
    /**
     * SASRec's files have no times: line n happens n seconds after 2000-01-01 UTC, a fixed time the
     * job's decoder takes as plausible (before 1990 is dead-lettered), so every replay is the same.
     */
    static final long SASREC_FIRST_MILLIS = 946_684_800_000L;
    private ClickFileReader() {}

    public static List<ClickEvent> read(InputStream raw, String sourceName, ClickFileFormat format) throws IOException {
        return read(raw, sourceName, format, user -> true);
    }

    /**
     * Only the clicks of users {@code keepUser} accepts, so a sample of a log of 10^7 clicks and
     * more never holds the rest in memory.
     */
    public static List<ClickEvent> read(InputStream raw, String sourceName, ClickFileFormat format,
                                        Predicate<String> keepUser) throws IOException {
        InputStream in = sourceName.endsWith(".gz") ? new GZIPInputStream(raw) : raw;
        List<ClickEvent> events = new ArrayList<>();
        // MovieLens files are Latin-1; ids are ASCII digits either way.
        var charset = format == ClickFileFormat.MOVIELENS ? StandardCharsets.ISO_8859_1 : StandardCharsets.UTF_8;
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, charset))) {
            if (format == ClickFileFormat.MOVIELENS) {
                readMovieLens(reader, sourceName, events, keepUser);
            } else if (format == ClickFileFormat.SASREC) {
                readSasRec(reader, sourceName, events, keepUser);
            } else {
                readCsv(reader, sourceName, events, keepUser);
            }
        }
        events.sort(Comparator.comparingLong(ClickEvent::getEventTimeMillis));
        return events;
    }

    /** One line's fields; {@code category} and {@code session} may be null. */
    private record Fields(String user, String item, long millis, String category, String session) {}

    @FunctionalInterface
    private interface LineFields {
        Fields parse(String line, int lineNo) throws IOException;
    }

    /** Every non-blank line from {@code firstLineNo} on, parsed, the clicks of kept users added. */
    private static void readLines(BufferedReader reader, int firstLineNo, String idPrefix, EventType type,
                                  List<ClickEvent> events, Predicate<String> keepUser, LineFields fields) throws IOException {
        int lineNo = firstLineNo - 1;
        for (String line; (line = reader.readLine()) != null; ) {
            lineNo++;
            if (line.isBlank()) {
                continue;
            }
            Fields f = fields.parse(line, lineNo); // a malformed line fails whoever's it is
            if (keepUser.test(f.user())) {
                events.add(ClickEvent.newBuilder()
                        .setEventId(idPrefix + lineNo).setUserId(f.user()).setItemId(f.item()).setEventType(type)
                        .setEventTimeMillis(f.millis()).setCategory(f.category()).setSessionId(f.session())
                        .build());
            }
        }
    }

    private static void readMovieLens(BufferedReader reader, String source, List<ClickEvent> events,
                                      Predicate<String> keepUser) throws IOException {
        readLines(reader, 1, "ml-", EventType.RATING, events, keepUser, (line, lineNo) -> {
            String[] f = line.split("::", -1);
            if (f.length != 4 || f[0].isEmpty() || f[1].isEmpty()) {
                throw malformed(source, lineNo, "user::item::rating::timestamp", line);
            }
            long seconds = parseLong(f[3], source, lineNo, "timestamp in seconds", line);
            return new Fields(f[0], f[1], seconds * 1000L, null, null);
        });
    }

    private static void readSasRec(BufferedReader reader, String source, List<ClickEvent> events,
                                   Predicate<String> keepUser) throws IOException {
        readLines(reader, 1, "sasrec-", EventType.CLICK, events, keepUser, (line, lineNo) -> {
            String[] f = line.trim().split("\\s+");
            if (f.length != 2) {
                throw malformed(source, lineNo, "'user item'", line);
            }
            return new Fields(f[0], f[1], SASREC_FIRST_MILLIS + lineNo * 1000L, null, null);
        });
    }

    private static void readCsv(BufferedReader reader, String source, List<ClickEvent> events,
                                Predicate<String> keepUser) throws IOException {
        String header = reader.readLine();
        if (header == null) {
            throw new IOException(source + ":1: expected a header with user_id,item_id,timestamp_ms, got an empty file");
        }
        List<String> columns = Arrays.asList(header.trim().split(",", -1));
        int user = columns.indexOf("user_id");
        int item = columns.indexOf("item_id");
        int time = columns.indexOf("timestamp_ms");
        int category = columns.indexOf("category");
        int session = columns.indexOf("session_id");
        if (user < 0 || item < 0 || time < 0) {
            throw malformed(source, 1, "a header naming user_id, item_id and timestamp_ms", header);
        }
        readLines(reader, 2, "csv-", EventType.CLICK, events, keepUser, (line, lineNo) -> {
            String[] f = line.split(",", -1);
            if (f.length != columns.size()) {
                throw malformed(source, lineNo, columns.size() + " comma-separated fields (" + header + ")", line);
            }
            long millis = parseLong(f[time], source, lineNo, "timestamp_ms", line);
            return new Fields(f[user], f[item], millis, category >= 0 && !f[category].isEmpty() ? f[category] : null,
                    session >= 0 && !f[session].isEmpty() ? f[session] : null);
        });
    }

    private static long parseLong(String text, String source, int line, String what, String content) throws IOException {
        try {
            return Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            throw malformed(source, line, what + " as an integer", content);
        }
    }

    private static IOException malformed(String source, int line, String expected, String got) {
        String shown = got.length() > 120 ? got.substring(0, 120) + "..." : got;
        return new IOException(source + ":" + line + ": expected " + expected + ", got '" + shown + "'");
    }
}
