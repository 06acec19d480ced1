package io.nextitem.inference;

import io.nextitem.config.ModelSettings;
import io.nextitem.model.ModelLoadException;
import io.nextitem.model.ModelManifest;
import io.nextitem.model.ModelVersion;
import java.util.ArrayList;
import java.util.List;

/**
 * The rules that span the job's settings and a model version: checked in one place,
 * {@link SequenceRecommender#open}, which both the starting version and every swapped-in one
 * (the registry watcher's newest, an operator's pin) pass through. At start a version that breaks
 * one fails the job with the reason; at a swap it is refused like any version that fails a check,
 * and the serving version stays.
 */
final class ServingInvariants {
    private ServingInvariants() {}

    /** @throws ModelLoadException listing every rule the version breaks, each with what to change */
    static void verify(ModelVersion version, ModelSettings settings) {
        List<String> problems = problems(version, settings.sequenceMaxLength, settings.topK);
        if (!problems.isEmpty()) {
            throw new ModelLoadException(version.folder().getFileName() + " does not fit this job: "
                    + String.join("; ", problems));
        }
    }

    static List<String> problems(ModelVersion version, int sequenceMaxLength, int topK) {
        ModelManifest manifest = version.manifest();
        String folderName = version.folder().getFileName().toString();
        List<String> problems = new ArrayList<>();
        if (!folderName.equals(manifest.version())) {
            problems.add("its folder is named '" + folderName + "' but its manifest.version is '" + manifest.version()
                    + "': a version's folder is named as its version (the job reports and checkpoints the one, "
                    + "operators pin the other), so rename the folder to '" + manifest.version() + "'");
        }
        if (sequenceMaxLength < manifest.maxSeqLen()) {
            problems.add("sequence.max-length is " + sequenceMaxLength + " but the version reads max_seq_len "
                    + manifest.maxSeqLen() + " items, so it would score every long sequence on fewer items than it "
                    + "was trained on: raise sequence.max-length to at least " + manifest.maxSeqLen()
                    + ", or serve a version exported with max_seq_len " + sequenceMaxLength + " or less");
        }
        String topKProblem = topKProblem(manifest, topK);
        if (topKProblem != null) {
            problems.add(topKProblem);
        }
        return problems;
    }

    /** model.top-k against the graph's K' less the items a user's sequence may remove from it; null when it fits. */
    static String topKProblem(ModelManifest manifest, int topK) {
        int fillable = manifest.topKGraph() - manifest.maxSeqLen(); // = top_k, by the manifest's own check
        if (topK <= fillable) {
            return null;
        }
        return "model.top-k is " + topK + " but the version's graph returns K' = " + manifest.topKGraph()
                + " candidates (top_k_graph), up to max_seq_len = " + manifest.maxSeqLen() + " of which may be items the "
                + "user already clicked, so it fills at most " + fillable + ": lower model.top-k to " + fillable
                + " or less, or export the version with top_k " + topK + " or more";
    }
}
