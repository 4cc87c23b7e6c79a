"""Inventory writers: jsonl (streamed), json, csv (streamed) and a readable table."""

from __future__ import annotations

import csv
import json
from typing import TextIO

from piiscan.report.summary import Summary

CSV_FIELDS = [
    "record", "path", "entity_type", "score", "masked", "hash", "page", "line", "sheet",
    "cell", "part", "start", "end", "recognizer", "value", "error", "message",
]


class Writer:
    def __init__(self, out: TextIO, include_values: bool):
        self.out = out
        self.include_values = include_values

    def write(self, record: dict) -> None:
        raise NotImplementedError

    def close(self, summary: Summary) -> None:
        pass


class JsonLinesWriter(Writer):
    def write(self, record: dict) -> None:
        self.out.write(json.dumps(record, ensure_ascii=False) + "\n")


class JsonWriter(Writer):
    def __init__(self, out: TextIO, include_values: bool):
        super().__init__(out, include_values)
        self.records: list[dict] = []

    def write(self, record: dict) -> None:
        self.records.append(record)

    def close(self, summary: Summary) -> None:
        document = {
            "findings": [r for r in self.records if r["record"] == "finding"],
            "errors": [r for r in self.records if r["record"] == "error"],
            "summary": summary.as_dict(),
        }
        json.dump(document, self.out, ensure_ascii=False, indent=2)
        self.out.write("\n")


class CsvWriter(Writer):
    def __init__(self, out: TextIO, include_values: bool):
        super().__init__(out, include_values)
        fields = CSV_FIELDS if include_values else [f for f in CSV_FIELDS if f != "value"]
        self.csv = csv.DictWriter(out, fieldnames=fields, extrasaction="ignore")
        self.csv.writeheader()

    def write(self, record: dict) -> None:
        row = dict(record)
        row.update(record.get("location", {}))
        self.csv.writerow(row)


class TableWriter(Writer):
    """Findings grouped per file, one line each, for a person at a terminal."""

    def __init__(self, out: TextIO, include_values: bool):
        super().__init__(out, include_values)
        self.current: str | None = None

    def write(self, record: dict) -> None:
        if record["path"] != self.current:
            self.current = record["path"]
            self.out.write(f"\n{record['path']}\n")
        if record["record"] == "error":
            self.out.write(f"  ERROR {record['error']}: {record['message']}\n")
            return
        where = _where(record["location"])
        shown = record.get("value", record["masked"]) if self.include_values else record["masked"]
        shown = shown.replace("\n", "⏎")
        self.out.write(f"  {where:<14} {record['entity_type']:<22} {record['score']:.2f}  {shown}\n")


def _where(location: dict) -> str:
    parts = []
    if "sheet" in location:
        parts.append(f"{location['sheet']}!{location.get('cell', '')}")
    elif "cell" in location:
        parts.append(location["cell"])
    if "page" in location:
        parts.append(f"p{location['page']}")
    if "line" in location and "sheet" not in location:
        parts.append(f"L{location['line']}")
    if "part" in location and location["part"] != "body":
        parts.append(location["part"])
    return " ".join(parts) or "-"


WRITERS = {"jsonl": JsonLinesWriter, "json": JsonWriter, "csv": CsvWriter, "table": TableWriter}
