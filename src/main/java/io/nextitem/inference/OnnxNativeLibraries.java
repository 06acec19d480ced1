package io.nextitem.inference;

import ai.onnxruntime.OrtEnvironment;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URL;
import java.net.URLConnection;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ONNX Runtime's native libraries, extracted once per machine and reused by every JVM.
 *
 * <p>Left alone, ONNX Runtime copies its libraries out of its jar into a fresh temporary folder in
 * every JVM, and the GPU build copies its 620 MB CUDA provider there on the first {@code addCUDA}.
 * On a Flink cluster each TaskManager did that on its first model load (about 19 s of a 40 s
 * recovery), and a killed TaskManager left its copy behind: four kills, four copies. Here the
 * libraries go into one folder per ONNX Runtime build ({@code <java.io.tmpdir>/nextitem-native/
 * onnxruntime-<crc>}), written under a file lock through a temporary name and an atomic move, so
 * that concurrent TaskManagers and a process killed mid-copy never leave a torn file, and ONNX
 * Runtime is pointed at it with its own {@code onnxruntime.native.path} property. The CUDA
 * provider is extracted only when CUDA is tried (see {@link OnnxSessionFactory}).
 *
 * <p>An operator who sets {@code onnxruntime.native.path} (for example in
 * {@code env.java.opts.taskmanager}) keeps that folder: it is used as it is.
 */
public final class OnnxNativeLibraries {
    private static final Logger LOG = LoggerFactory.getLogger(OnnxNativeLibraries.class);
    static final String DIR_PROPERTY = "onnxruntime.native.path";
    private static final String RESOURCES = "ai/onnxruntime/native/linux-x64/";
    static final List<String> CORE = List.of("libonnxruntime.so", "libonnxruntime4j_jni.so",
            "libonnxruntime_providers_shared.so");
    static final String CUDA_PROVIDER = "libonnxruntime_providers_cuda.so";

    private static Path folder;
    private static boolean cudaExtracted;

    private OnnxNativeLibraries() {}

    /** The ONNX Runtime environment, its libraries loaded from the machine's shared folder. */
    public static OrtEnvironment environment() {
        prepare();
        return OrtEnvironment.getEnvironment();
    }

    /** Extracts the CUDA provider into the shared folder (once per machine) before CUDA is tried. */
    static synchronized void prepareCuda() {
        prepare();
        if (folder != null && !cudaExtracted) {
            extractInto(folder, List.of(CUDA_PROVIDER));
            cudaExtracted = true;
        }
    }

    /** The folder the libraries are loaded from, or null where ONNX Runtime extracts on its own. */
    static synchronized Path folder() {
        prepare();
        return folder;
    }

    private static synchronized void prepare() {
        if (folder != null) {
            return;
        }
        String preset = System.getProperty(DIR_PROPERTY);
        if (preset != null) {
            folder = Path.of(preset);
            cudaExtracted = true;   // the operator's folder is used as it is
            LOG.info("ONNX Runtime native libraries from {} ({} is set)", folder, DIR_PROPERTY);
            return;
        }
        if (!isLinuxX64() || resource(CORE.get(0)) == null) {
            return;   // another platform, or ONNX Runtime from the library path: its own loader decides
        }
        Path shared = Path.of(System.getProperty("java.io.tmpdir"), "nextitem-native",
                "onnxruntime-" + Long.toHexString(entryCrc(CORE.get(0))));
        extractInto(shared, CORE);
        System.setProperty(DIR_PROPERTY, shared.toString());
        folder = shared;
        LOG.info("ONNX Runtime native libraries from {} (shared by every JVM on this machine)", shared);
    }

    /**
     * Copies the named libraries from ONNX Runtime's jar into {@code dir} unless a complete copy
     * (same size as the jar entry) is already there. Safe across processes (the file lock) and
     * threads (synchronized: a JVM holds a file lock once, a second try throws).
     */
    static synchronized void extractInto(Path dir, List<String> libraries) {
        try {
            Files.createDirectories(dir);
            try (FileChannel lockFile = FileChannel.open(dir.resolve(".lock"), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE);
                 FileLock lock = lockFile.lock()) {
                for (String library : libraries) {
                    URL source = resource(library);
                    if (source == null) {
                        throw new IllegalStateException("ONNX Runtime's jar has no " + RESOURCES + library);
                    }
                    Path target = dir.resolve(library);
                    long size = entrySize(source);
                    if (Files.isRegularFile(target) && Files.size(target) == size) {
                        continue;
                    }
                    long started = System.nanoTime();
                    Path partial = Files.createTempFile(dir, library, ".partial");
                    try (InputStream in = source.openStream()) {
                        Files.copy(in, partial, StandardCopyOption.REPLACE_EXISTING);
                        Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                    } finally {
                        Files.deleteIfExists(partial);
                    }
                    LOG.info("Extracted {} ({} MB) into {} in {} ms", library, size >> 20, dir,
                            (System.nanoTime() - started) / 1_000_000);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot extract ONNX Runtime's native libraries into " + dir
                    + ": " + e.getMessage() + " (set -D" + DIR_PROPERTY + " to a writable folder)", e);
        }
    }

    private static URL resource(String library) {
        // A class literal does not initialise OrtEnvironment, so nothing is loaded yet.
        return OrtEnvironment.class.getClassLoader().getResource(RESOURCES + library);
    }

    private static long entrySize(URL source) throws IOException {
        return entry(source, java.util.zip.ZipEntry::getSize);
    }

    private static long entryCrc(String library) {
        try {
            return entry(resource(library), java.util.zip.ZipEntry::getCrc);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read ONNX Runtime's jar: " + e.getMessage(), e);
        }
    }

    /** A figure of the library's jar entry (or its length where it is a plain file, not in a jar). */
    private static long entry(URL source, java.util.function.ToLongFunction<java.util.zip.ZipEntry> figure)
            throws IOException {
        URLConnection connection = source.openConnection();
        if (connection instanceof JarURLConnection jar) {
            jar.setUseCaches(false);
            return figure.applyAsLong(jar.getJarEntry());
        }
        return connection.getContentLengthLong();
    }

    private static boolean isLinuxX64() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        return os.contains("linux") && (arch.equals("amd64") || arch.equals("x86_64"));
    }
}
