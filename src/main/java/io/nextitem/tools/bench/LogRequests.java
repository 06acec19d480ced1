package io.nextitem.tools.bench;

import io.nextitem.avro.ClickEvent;
import io.nextitem.tools.replay.ClickFileFormat;
import io.nextitem.tools.replay.ClickFileReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The scaling stage's clicks from a real click log: the whole history of a seeded sample of its
 * users, in event-time order, so the queries the search answers are the ones the model was
 * trained for (random item sequences make query vectors no user would). Users are chosen by a
 * hash of their id, so the same seed and share pick the same users from any copy of the log.
 */
final class LogRequests {
    private LogRequests() {}

    static List<ClickEvent> sample(Path log, double userShare, long seed) throws IOException {
        ClickFileFormat format = ClickFileFormat.ofFileName(log.getFileName().toString());
        try (InputStream in = Files.newInputStream(log)) {
            List<ClickEvent> clicks = ClickFileReader.read(in, log.getFileName().toString(), format,
                    user -> chosen(user, userShare, seed));
            if (clicks.isEmpty()) {
                throw new IllegalArgumentException(log.getFileName() + ": no clicks of the sampled users (share "
                        + userShare + "); raise --scaling-user-share");
            }
            return clicks;
        }
    }

    /** A user is in the sample when the seeded hash of its id, as a fraction of 2^64, is below the share. */
    static boolean chosen(String user, double share, long seed) {
        long h = user.hashCode() * 0x9E3779B97F4A7C15L + seed; // String.hashCode is fixed by the language
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return Long.compareUnsigned(h, (long) (share * 0x1p63) * 2) < 0 || share >= 1.0;
    }
}
