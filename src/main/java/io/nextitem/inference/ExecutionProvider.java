package io.nextitem.inference;

/** Where ONNX Runtime runs the encoder. */
public enum ExecutionProvider {
    CUDA,
    CPU
}
