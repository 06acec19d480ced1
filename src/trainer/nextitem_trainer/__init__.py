"""nextitem trainer: sequence encoders trained in PyTorch and exported to the ONNX contract in
schemas/model/README.md, plus the offline evaluation protocols of docs/evaluation.md."""
