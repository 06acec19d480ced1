package io.nextitem.ann;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nextitem.model.ModelLoadException;
import io.nextitem.model.ModelManifest;
import io.nextitem.model.ModelVersion;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * {@code nextitem.jar index VERSION_DIR}: builds the approximate-search index of a version's
 * item_vectors.npy into {@code VERSION_DIR/ann/} and records it in the manifest (every ann/ file
 * with its sha256 under {@code files}, {@code retrieval.index = "ann/index.json"}). Runs before
 * the version is published: the manifest is rewritten in place (atomically), which a job
 * watching the registry must not see half-done, so export writes the version under a hidden
 * temporary name and publishes it by renaming after this step.
 */
public final class VersionIndexer {
    public static final String ANN_FOLDER = "ann";
    public static final String INDEX_ENTRY = ANN_FOLDER + "/" + AnnIndexDescription.FILE;

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private VersionIndexer() {}

    /** Builds, describes and records the index; returns its description. */
    public static AnnIndexDescription index(Path versionDir, HnswParameters parameters, Consumer<String> progress)
            throws IOException {
        return index(versionDir, parameters, null, progress);
    }

    /**
     * As {@link #index(Path, HnswParameters, Consumer)}, and with {@code calibrate} (null: none) measures
     * on the version's query vectors how much of their exact top-k its longest items hold (ScanCalibration).
     */
    public static AnnIndexDescription index(Path versionDir, HnswParameters parameters,
                                            ScanCalibration.Request calibrate, Consumer<String> progress)
            throws IOException {
        Path manifestFile = versionDir.resolve("manifest.json");
        ObjectNode manifestJson = (ObjectNode) JSON.readTree(manifestFile.toFile());
        ModelManifest manifest = JSON.treeToValue(manifestJson, ModelManifest.class);
        ModelManifest.FileEntry vectorsEntry = vectorsEntry(manifest, manifestFile);
        NpyFloatMatrix vectors = checkedVectors(versionDir, manifest, vectorsEntry, progress);

        float[][] calibrationQueries = calibrate == null ? null : calibrate.read(vectors.dim());

        // Built beside ann/ under a hidden name, then renamed: a failed build leaves no half index.
        Path building = versionDir.resolve(".ann-building");
        deleteRecursively(building);
        Path luceneFolder = building.resolve(AnnIndexDescription.LUCENE_FOLDER);
        progress.accept("building the HNSW index of " + vectors.rows() + " items x " + vectors.dim() + " ("
                + parameters + ")");
        long start = System.nanoTime();
        LuceneItemIndex.build(vectors, parameters, luceneFolder,
                added -> progress.accept("added " + added + " / " + vectors.rows() + " items"));
        double buildSeconds = (System.nanoTime() - start) / 1e9;
        try (LuceneItemIndex check = LuceneItemIndex.open(luceneFolder, vectors.rows(), vectors.dim(), true)) {
            progress.accept("built in " + Math.round(buildSeconds * 10) / 10.0 + " s; " + check.size() + " items in "
                    + check.bands() + " norm band(s), checksums verified");
        }
        ScanCalibration calibration = calibrate == null ? null : calibrate.measure(vectors, calibrationQueries, progress);
        AnnIndexDescription description = new AnnIndexDescription(LuceneItemIndex.LIBRARY, AnnIndexDescription.FORMAT,
                AnnIndexDescription.SIMILARITY, parameters, vectorsEntry.sha256().toLowerCase(), vectors.rows(),
                vectors.dim(), Math.round(buildSeconds * 1000) / 1000.0, folderBytes(luceneFolder), calibration);
        description.write(building.resolve(AnnIndexDescription.FILE));

        Path ann = versionDir.resolve(ANN_FOLDER);
        deleteRecursively(ann);
        Files.move(building, ann, StandardCopyOption.ATOMIC_MOVE);
        rewriteManifest(versionDir, manifestJson);
        progress.accept("wrote " + ann + " (" + description.bytes() + " bytes) and recorded it in manifest.json");
        return description;
    }

    /**
     * {@code index --calibrate-only}: measures the scan calibration of a version whose index is
     * already built (new queries, another target) and records it in ann/index.json and the
     * manifest, without building the graphs again.
     */
    public static AnnIndexDescription calibrate(Path versionDir, ScanCalibration.Request calibrate, Consumer<String> progress)
            throws IOException {
        Path manifestFile = versionDir.resolve("manifest.json");
        ObjectNode manifestJson = (ObjectNode) JSON.readTree(manifestFile.toFile());
        ModelManifest manifest = JSON.treeToValue(manifestJson, ModelManifest.class);
        ModelManifest.FileEntry vectorsEntry = vectorsEntry(manifest, manifestFile);
        Path descriptionFile = versionDir.resolve(INDEX_ENTRY);
        if (!Files.isRegularFile(descriptionFile)) {
            throw new ModelLoadException(versionDir + " has no index to calibrate (" + INDEX_ENTRY
                    + "): build it with `nextitem.jar index` first");
        }
        AnnIndexDescription built = AnnIndexDescription.read(descriptionFile);
        if (!built.itemVectorsSha256().equalsIgnoreCase(vectorsEntry.sha256())) {
            throw new ModelLoadException(descriptionFile + " was built from other item vectors (sha256 "
                    + built.itemVectorsSha256() + ") than the version's (" + vectorsEntry.sha256() + "): build it again");
        }
        NpyFloatMatrix vectors = checkedVectors(versionDir, manifest, vectorsEntry, progress);
        ScanCalibration calibration = calibrate.measure(vectors, calibrate.read(vectors.dim()), progress);
        AnnIndexDescription description = new AnnIndexDescription(built.library(), built.format(), built.similarity(),
                built.parameters(), built.itemVectorsSha256(), built.numItems(), built.dim(), built.buildSeconds(),
                built.bytes(), calibration);
        Path temp = descriptionFile.resolveSibling("." + AnnIndexDescription.FILE + ".tmp");
        description.write(temp);
        Files.move(temp, descriptionFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        rewriteManifest(versionDir, manifestJson);
        progress.accept("recorded the calibration in " + descriptionFile + " and manifest.json");
        return description;
    }

    private static ModelManifest.FileEntry vectorsEntry(ModelManifest manifest, Path manifestFile) {
        ModelManifest.Retrieval retrieval = manifest.retrieval();
        if (retrieval == null || retrieval.itemVectors() == null) {
            throw new ModelLoadException(manifestFile + " has no retrieval form (retrieval.item_vectors): "
                    + "there are no item vectors to index");
        }
        ModelManifest.FileEntry vectorsEntry = manifest.files() == null ? null : manifest.files().get(retrieval.itemVectors());
        if (vectorsEntry == null) {
            throw new ModelLoadException(manifestFile + " does not list " + retrieval.itemVectors() + " under files");
        }
        return vectorsEntry;
    }

    /** The item vectors, their sha256 checked against the manifest and their shape against num_items and retrieval.dim. */
    private static NpyFloatMatrix checkedVectors(Path versionDir, ModelManifest manifest, ModelManifest.FileEntry vectorsEntry,
                                                 Consumer<String> progress) {
        ModelManifest.Retrieval retrieval = manifest.retrieval();
        Path vectorsFile = versionDir.resolve(retrieval.itemVectors());
        progress.accept("checking the sha256 of " + vectorsFile.getFileName());
        ModelVersion.verifySha256(vectorsFile, vectorsEntry.sha256());
        NpyFloatMatrix vectors = NpyFloatMatrix.open(vectorsFile);
        if (vectors.rows() != manifest.numItems() || vectors.dim() != retrieval.dim()) {
            throw new ModelLoadException(vectorsFile + " has shape (" + vectors.rows() + ", " + vectors.dim()
                    + ") but the manifest says num_items " + manifest.numItems() + " and retrieval.dim " + retrieval.dim());
        }
        return vectors;
    }

    /** files: stale ann/ entries out, every ann/ file in with its sha256; retrieval.index; temp file, then rename. */
    private static void rewriteManifest(Path versionDir, ObjectNode manifestJson) throws IOException {
        ObjectNode files = (ObjectNode) manifestJson.get("files");
        for (Iterator<String> names = files.fieldNames(); names.hasNext(); ) {
            if (names.next().startsWith(ANN_FOLDER + "/")) {
                names.remove();
            }
        }
        Path ann = versionDir.resolve(ANN_FOLDER);
        List<Path> annFiles;
        try (Stream<Path> walk = Files.walk(ann)) {
            annFiles = walk.filter(Files::isRegularFile).sorted().toList();
        }
        for (Path file : annFiles) {
            String entry = versionDir.relativize(file).toString().replace('\\', '/');
            files.putObject(entry).put("sha256", ModelVersion.sha256(file));
        }
        ((ObjectNode) manifestJson.get("retrieval")).put("index", INDEX_ENTRY);
        Path manifestFile = versionDir.resolve("manifest.json");
        Path temp = versionDir.resolve(".manifest.json.tmp");
        Files.writeString(temp, JSON.writeValueAsString(manifestJson) + "\n");
        Files.move(temp, manifestFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private static long folderBytes(Path folder) throws IOException {
        try (Stream<Path> walk = Files.walk(folder)) {
            return walk.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
        }
    }

    private static void deleteRecursively(Path folder) throws IOException {
        if (!Files.exists(folder)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(folder)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
