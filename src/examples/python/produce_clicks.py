#!/usr/bin/env python3
"""Produce click events to nextitem's clicks topic from Python, the way a producing team would.

Uses Debian's packages only (python3-confluent-kafka, python3-avro): each record is a
``ClickEvent`` (schemas/avro/ClickEvent.avsc) in Avro single-object encoding (C3 01, the
schema's CRC-64-AVRO fingerprint little-endian, the binary datum), keyed by user id so one
user's clicks stay in order, with the event time as the Kafka timestamp (the job's watermarks
come from it). The producer is idempotent, so its own retries never duplicate a click.

    python3 src/examples/python/produce_clicks.py --bootstrap-servers localhost:29092 \\
        --topic clicks --users 20 --count 200 --items item-1,item-2,item-3

Prints one JSON line with the event ids sent.
"""
from __future__ import annotations

import argparse
import io
import json
import random
import struct
import sys
import time
import uuid
from pathlib import Path

import avro.io
import avro.schema
from confluent_kafka import Producer

SCHEMA_FILE = Path(__file__).resolve().parents[3] / "schemas" / "avro" / "ClickEvent.avsc"
_EMPTY = 0xC15D213AA4D7A795  # CRC-64-AVRO's initial value (the Avro specification's Rabin fingerprint)


def _fingerprint_table() -> list[int]:
    table = []
    for i in range(256):
        fp = i
        for _ in range(8):
            fp = (fp >> 1) ^ (_EMPTY if fp & 1 else 0)
        table.append(fp)
    return table


_TABLE = _fingerprint_table()


def crc64_avro(data: bytes) -> int:
    fp = _EMPTY
    for byte in data:
        fp = (fp >> 8) ^ _TABLE[(fp ^ byte) & 0xFF]
    return fp


class ClickEncoder:
    """ClickEvent records to single-object bytes."""

    def __init__(self, schema_file: Path = SCHEMA_FILE):
        self.schema = avro.schema.parse(schema_file.read_text())
        fingerprint = crc64_avro(self.schema.canonical_form.encode("utf-8"))
        self.header = b"\xc3\x01" + struct.pack("<Q", fingerprint)
        self.writer = avro.io.DatumWriter(self.schema)

    def encode(self, click: dict) -> bytes:
        out = io.BytesIO()
        out.write(self.header)
        self.writer.write(click, avro.io.BinaryEncoder(out))
        return out.getvalue()


def click(event_id: str, user_id: str, item_id: str, event_time_millis: int, category: str | None = None) -> dict:
    return {"event_id": event_id, "user_id": user_id, "item_id": item_id, "event_type": "CLICK",
            "event_time_millis": event_time_millis, "category": category, "session_id": None, "context": None}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--bootstrap-servers", default="localhost:29092")
    p.add_argument("--topic", default="clicks")
    p.add_argument("--users", type=int, default=20)
    p.add_argument("--count", type=int, default=200)
    p.add_argument("--items", required=True, help="comma-separated item ids to click on")
    p.add_argument("--event-id-prefix", default=f"py-{uuid.uuid4().hex[:8]}")
    p.add_argument("--seed", type=int, default=7)
    args = p.parse_args(argv)

    items = [i for i in args.items.split(",") if i]
    rng = random.Random(args.seed)
    encoder = ClickEncoder()
    producer = Producer({"bootstrap.servers": args.bootstrap_servers, "enable.idempotence": True, "acks": "all"})
    failures: list[str] = []

    def delivered(err, msg):
        if err is not None:
            failures.append(str(err))

    now_ms = int(time.time() * 1000) - 3_600_000
    sent = []
    for i in range(args.count):
        user = f"py-user-{i % args.users}"
        event = click(f"{args.event_id_prefix}-{i}", user, rng.choice(items), now_ms + i)
        producer.produce(args.topic, key=user.encode("utf-8"), value=encoder.encode(event),
                         timestamp=event["event_time_millis"], on_delivery=delivered)
        producer.poll(0)
        sent.append(event["event_id"])
    remaining = producer.flush(30)
    if remaining or failures:
        print(f"{remaining} clicks undelivered, errors: {failures[:3]}", file=sys.stderr)
        return 1
    print(json.dumps({"topic": args.topic, "sent": len(sent), "event_ids": sent}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
