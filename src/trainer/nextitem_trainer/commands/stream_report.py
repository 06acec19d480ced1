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


def run(args) -> int:
    from ..protocols.stream_report import stream_report

    stream_report(args.model, args.key, args.static, args.loop, args.split, args.loop_registry, args.settings)
    return 0
