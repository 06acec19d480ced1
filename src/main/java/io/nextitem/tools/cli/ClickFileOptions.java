package io.nextitem.tools.cli;

import io.nextitem.avro.ClickEvent;
import io.nextitem.tools.replay.ClickFileFormat;
import io.nextitem.tools.replay.ClickFileReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/** --events/--format/--max-events, shared by replay and demo. */
final class ClickFileOptions {
    @Option(names = "--events", description = "Click log to replay (.gz ok).")
    Path events;

    @Option(names = "--format", defaultValue = "csv",
            description = "movielens (user::item::rating::seconds), csv (header user_id,item_id,timestamp_ms[,category][,session_id]) or sasrec (user item per line, each user in time order). Default: ${DEFAULT-VALUE}.")
    String format;

    @Option(names = "--max-events", description = "Replay only the first N clicks (in event-time order).")
    Integer maxEvents;

    @Option(names = "--rate", defaultValue = "0", description = "Clicks per second; 0 = as fast as possible.")
    double eventsPerSecond;

    /** What was replayed, for a result file. */
    java.util.Map<String, Object> describe() {
        java.util.Map<String, Object> out = new java.util.LinkedHashMap<>();
        out.put("events_file", events == null ? "shipped demo clicks" : events.getFileName().toString());
        out.put("format", format);
        out.put("max_events", maxEvents);
        out.put("rate_events_per_second", eventsPerSecond);
        return out;
    }

    List<ClickEvent> load(String defaultResource) throws IOException {
        ClickFileFormat parsedFormat;
        try {
            parsedFormat = ClickFileFormat.valueOf(format.toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IOException("--format " + format + " is not known; use movielens, csv or sasrec");
        }
        List<ClickEvent> clicks;
        if (events != null) {
            if (!Files.isRegularFile(events)) {
                throw new IOException("--events " + events + " does not exist");
            }
            try (InputStream in = Files.newInputStream(events)) {
                clicks = ClickFileReader.read(in, events.toString(), parsedFormat);
            }
        } else if (defaultResource != null) {
            try (InputStream in = ClickFileOptions.class.getClassLoader().getResourceAsStream(defaultResource)) {
                if (in == null) {
                    throw new IOException(defaultResource + " is not in the jar; rebuild with `mvn package`");
                }
                clicks = ClickFileReader.read(in, defaultResource, ClickFileFormat.CSV);
            }
        } else {
            throw new IOException("give --events FILE");
        }
        if (maxEvents != null && maxEvents < clicks.size()) {
            clicks = clicks.subList(0, maxEvents);
        }
        return clicks;
    }
}
