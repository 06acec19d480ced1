package io.nextitem.inference;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Whether this machine has an NVIDIA driver at all, checked before ONNX Runtime's CUDA provider
 * is tried: trying it means extracting and loading a 620 MB library, which is pointless where no
 * GPU could answer. The driver shows itself in /proc and /dev (a container under the NVIDIA
 * toolkit gets the same files); under WSL 2 the GPU is /dev/dxg.
 */
final class CudaDriver {
    private static final Path PROC_VERSION = Path.of("/proc/driver/nvidia/version");
    private static final Path CONTROL_DEVICE = Path.of("/dev/nvidiactl");
    private static final Path WSL_GPU = Path.of("/dev/dxg");

    private CudaDriver() {}

    /** Empty where a driver is present; else why CUDA is not tried. */
    static Optional<String> absenceReason() {
        return absenceReason(PROC_VERSION, CONTROL_DEVICE, WSL_GPU);
    }

    static Optional<String> absenceReason(Path... driverFiles) {
        for (Path file : driverFiles) {
            if (Files.exists(file)) {
                return Optional.empty();
            }
        }
        return Optional.of("no NVIDIA driver on this machine (none of " + java.util.Arrays.toString(driverFiles) + ")");
    }
}
