"""``stream-report``: the streaming protocol's result file from its runs."""
from __future__ import annotations

NAME = "stream-report"


def add_parser(sub) -> None:
    p = sub.add_parser("stream-report", help="the streaming protocol's result file from its runs (stream_report.py)")
    p.add_argument("--model", required=True)
    p.add_argument("--key", required=True, help="dataset key in the file name: <model>_<key>_stream.json")
    p.add_argument("--static", required=True, help="demo --result of the static model")
    p.add_argument("--loop", required=True, help="demo --result with snapshots and finetune --watch")
    p.add_argument("--split", required=True, help="stream-split's split.json")
    p.add_argument("--loop-registry", required=True, help="the registry the loop published into")
    p.add_argument("--settings", required=True, help="the finetune --watch command line, recorded as is")
    p.add_argument("--canary", help="demo --result of the loop with canaries (--set canary.auto=true ...)")
    p.add_argument("--canary-registry", help="the registry the canary loop published into")
    p.add_argument("--full-retrain", help="demo --result with full-retrain --watch publishing")
    p.add_argument("--retrained", help="full-retrain --out: the versions trained from scratch, for their compute")


def run(args) -> int:
    from ..protocols.stream_report import stream_report

    stream_report(args.model, args.key, args.static, args.loop, args.split, args.loop_registry, args.settings,
                  canary=args.canary, canary_registry=args.canary_registry, retrain=args.full_retrain,
                  retrained=args.retrained)
    return 0
