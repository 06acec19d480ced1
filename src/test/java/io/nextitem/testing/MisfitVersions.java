package io.nextitem.testing;

import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * Edits that make a good version misfit a job on the default settings (sequence.max-length 50,
 * model.top-k 10), one per rule that spans the job's settings and a version: the start and the
 * swap tests break a version the same way.
 */
public final class MisfitVersions {
    private MisfitVersions() {}

    /** The version reads 60 items, more than the 50 the job keeps per user. */
    public static final Consumer<Path> READS_MORE_THAN_THE_JOB_KEEPS = version -> VersionFixtures.editManifest(version,
            manifest -> manifest.put("max_seq_len", 60).put("top_k_graph", manifest.path("top_k").asInt() + 60));

    /** The manifest names another version than the folder does (a copied or renamed folder). */
    public static final Consumer<Path> NAMED_UNLIKE_ITS_FOLDER = version -> VersionFixtures.editManifest(version,
            manifest -> manifest.put("version", "sasrec-elsewhere"));

    /** The graph's K' leaves room for 5 unseen items, fewer than the 10 the job serves. */
    public static final Consumer<Path> FILLS_FEWER_THAN_THE_SERVED_TOP_K = version -> VersionFixtures.editManifest(version,
            manifest -> manifest.put("top_k", 5).put("top_k_graph", 5 + manifest.path("max_seq_len").asInt()));
}
