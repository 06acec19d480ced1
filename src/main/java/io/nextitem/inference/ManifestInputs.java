package io.nextitem.inference;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.nextitem.model.ModelLoadException;
import io.nextitem.model.ModelVersion;
import java.util.Set;

/** The check both served graphs of a version share: they read exactly the inputs its manifest declares. */
final class ManifestInputs {
    private ManifestInputs() {}

    /** @param graphFile the graph's file name, for the message (model.onnx, query.onnx) */
    static Set<String> require(OrtSession session, ModelVersion version, String label, String graphFile) throws OrtException {
        Set<String> graphInputs = session.getInputNames();
        if (!graphInputs.equals(Set.copyOf(version.manifest().inputs()))) {
            throw new ModelLoadException(label + ": " + graphFile + " reads inputs " + graphInputs
                    + " but the manifest declares " + version.manifest().inputs());
        }
        return graphInputs;
    }
}
