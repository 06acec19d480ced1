package io.nextitem.inference;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.nextitem.model.ModelLoadException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates ONNX Runtime sessions on the best provider available. With "auto" it tries CUDA and
 * falls back to CPU: the GPU build of ONNX Runtime throws "Failed to load shared library" from
 * {@code addCUDA} where CUDA is absent, and the options object it failed on is not reusable,
 * so the CPU session gets fresh options. "auto" does not try CUDA at all on a machine without an
 * NVIDIA driver ({@link CudaDriver}), and the libraries come from the machine's shared folder
 * ({@link OnnxNativeLibraries}).
 */
public final class OnnxSessionFactory {
    private static final Logger LOG = LoggerFactory.getLogger(OnnxSessionFactory.class);

    /** A session and the provider it really runs on. */
    public record ProvidedSession(OrtSession session, ExecutionProvider provider) {}

    /** CUDA is tried once per JVM: a missing CUDA install does not appear between two model loads. */
    private static volatile boolean cudaUnavailable;

    private OnnxSessionFactory() {}

    /** As {@link #create(byte[], String, int, int, String)} on CUDA device 0. */
    public static ProvidedSession create(byte[] onnxModel, String preference, int intraOpThreads, String modelLabel) {
        return create(onnxModel, preference, 0, intraOpThreads, modelLabel);
    }

    /**
     * @param preference   auto | cuda | cpu (validated by ModelSettings)
     * @param cudaDeviceId the GPU to run on when CUDA is tried (model.cuda-device-id)
     */
    public static ProvidedSession create(byte[] onnxModel, String preference, int cudaDeviceId, int intraOpThreads,
                                         String modelLabel) {
        OrtEnvironment env = OnnxNativeLibraries.environment();
        if ("auto".equals(preference) && !cudaUnavailable) {
            // Without a driver, trying CUDA only costs the provider's 620 MB extraction and load.
            CudaDriver.absenceReason().ifPresent(reason -> {
                cudaUnavailable = true;
                LOG.info("CUDA execution provider not tried: {}; CPU", reason);
            });
        }
        if ("cuda".equals(preference) || ("auto".equals(preference) && !cudaUnavailable)) {
            try (OrtSession.SessionOptions cudaOptions = baseOptions(intraOpThreads)) {
                OnnxNativeLibraries.prepareCuda();
                cudaOptions.addCUDA(cudaDeviceId);
                OrtSession session = env.createSession(onnxModel, cudaOptions);
                LOG.info("Serving {} on execution provider CUDA (device {})", modelLabel, cudaDeviceId);
                return new ProvidedSession(session, ExecutionProvider.CUDA);
            } catch (OrtException | RuntimeException e) {
                if ("cuda".equals(preference)) {
                    throw new ModelLoadException("model.execution-provider is cuda but CUDA (device " + cudaDeviceId
                            + ") is unavailable: " + e.getMessage() + "; use auto to fall back to CPU", e);
                }
                cudaUnavailable = true;
                LOG.info("CUDA execution provider unavailable ({}); falling back to CPU", firstLine(e.getMessage()));
            }
        }
        try (OrtSession.SessionOptions cpuOptions = baseOptions(intraOpThreads)) {
            OrtSession session = env.createSession(onnxModel, cpuOptions);
            LOG.info("Serving {} on execution provider CPU ({} intra-op threads)", modelLabel, intraOpThreads);
            return new ProvidedSession(session, ExecutionProvider.CPU);
        } catch (OrtException e) {
            throw new ModelLoadException(modelLabel + ": ONNX Runtime cannot load model.onnx: " + e.getMessage(), e);
        }
    }

    private static OrtSession.SessionOptions baseOptions(int intraOpThreads) {
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        try {
            options.setIntraOpNumThreads(intraOpThreads);
            // The encoder graphs are one chain of operators: nothing runs in parallel between
            // nodes, so a second (inter-op) pool would only add threads.
            options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            options.setInterOpNumThreads(1);
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            // Batches repeat a few shapes (batch size x length): planned buffers are reused.
            options.setMemoryPatternOptimization(true);
            // Intra-op workers that spin between batches take the cores Kafka, state and the
            // sinks need in the same task manager; they sleep instead.
            options.addConfigEntry("session.intra_op.allow_spinning", "0");
        } catch (OrtException e) {
            options.close();
            throw new ModelLoadException("cannot configure ONNX Runtime session options: " + e.getMessage(), e);
        }
        return options;
    }

    private static String firstLine(String message) {
        return message == null ? "no message" : message.split("\n", 2)[0];
    }
}
