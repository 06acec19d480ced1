package io.nextitem.inference;

/** The encoder's in-graph TopK for a batch: item indices and scores, best first. Shapes (B, K'). */
public record TopItems(long[][] itemIndices, float[][] scores) {}
