package io.nextitem.tools.bench;

import io.nextitem.inference.EncoderInputs;
import io.nextitem.model.ModelManifest;
import java.util.Random;

/**
 * Full-length requests for whatever inputs a version's graph reads, so a benchmark measures the
 * worst case the job can send: every row holds max_seq_len known items (no padding), event times
 * a day apart up to the query time, known categories and known users. Seeded, so two runs feed
 * the same batches.
 */
final class SyntheticRequests {
    private static final long DAY_SECONDS = 86_400L;
    private static final long QUERY_TIME_SECONDS = 1_767_225_600L; // 2026-01-01T00:00:00Z

    private SyntheticRequests() {}

    static EncoderInputs batch(ModelManifest manifest, int batchSize, long seed) {
        Random random = new Random(seed);
        int length = manifest.maxSeqLen();
        long[][] items = new long[batchSize][length];
        long[][] times = new long[batchSize][length];
        long[][] categories = new long[batchSize][length];
        long[] users = new long[batchSize];
        long[] queryTimes = new long[batchSize];
        int numCategories = manifest.numCategories() == null ? 0 : manifest.numCategories();
        int numUsers = manifest.numUsers() == null ? 0 : manifest.numUsers();
        for (int row = 0; row < batchSize; row++) {
            for (int pos = 0; pos < length; pos++) {
                items[row][pos] = 1 + random.nextInt(manifest.numItems());
                times[row][pos] = QUERY_TIME_SECONDS - (long) (length - 1 - pos) * DAY_SECONDS;
                categories[row][pos] = numCategories == 0 ? 0 : 1 + random.nextInt(numCategories);
            }
            users[row] = numUsers == 0 ? 0 : 1 + random.nextInt(numUsers);
            queryTimes[row] = QUERY_TIME_SECONDS;
        }
        return EncoderInputs.ofItems(items)
                .withSequence(EncoderInputs.TIME_SEQ, times)
                .withSequence(EncoderInputs.CAT_SEQ, categories)
                .withPerRow(EncoderInputs.USER_IDX, users)
                .withPerRow(EncoderInputs.QUERY_TIME, queryTimes);
    }
}
