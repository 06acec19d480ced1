"""GPU check: the served arithmetic in PyTorch, on CUDA and on the CPU, for catalogues of 10^4..10^7 items.

Written for a lent GPU machine that offers Python 3 with PyTorch (any CUDA build) and numpy, and
nothing else: no Java, no ONNX Runtime, no network. So this module imports torch, numpy, the
standard library and the trainer's light modules only (the models and the checkpoint loader;
no yaml, onnx or tqdm), and runs straight from a copy of the working tree
(``deploy/bin/gpu-check``, docs/gpu-check.md).

1. Golden check: a model version (default: the demo version shipped in the repository) is
   rebuilt from its ``weights.pt`` with the project's own model class, wrapped in the same
   ``TopKGraph`` the exporter traces, and fed every case of its ``golden.json``, on each device:
   items must be identical and scores within the contract's 1e-4 (schemas/model/README.md). A
   failure stops the run with exit status 1 before anything is timed.
2. Figures: the version's encoder with a random item table of N rows (same hidden size, same
   scale as the trained table), timed as one request: the (B, L) batch to the device, encoder,
   scores ``q @ E^T`` (the graph's Gemm), padding masked, exact ``torch.topk`` (the graph's TopK),
   both outputs back to the host. Warm-up, then repetitions within a time budget per cell;
   median, min, max, requests/s. The encoder alone, and the encoder with the scores but no TopK,
   are timed too, to show where the time goes. A cell whose
   memory estimate does not fit the device is skipped with its reason, as is every cell once the
   whole run's budget is spent.
3. A result JSON (machine, commit, golden check, figures, settings with the seed) and a short table.

Modules, one job each: ``version`` (the version and the golden check), ``timing`` (the
figures), ``machine`` (facts and commit), ``report`` (the tables), ``command`` (the command
line, which ``python -m nextitem_trainer.tools.gpu_check`` runs).
"""
