"""Synthetic scans for the report tests: real Parquet files written by the real RowWriter."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from scanner import config as cfg
from scanner.schema import FINDINGS_SCHEMA, ITEMS_SCHEMA, RowWriter

STARTED = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)

ENTITY_OF = {
    "name": "PERSON",
    "contact": "EMAIL_ADDRESS",
    "address": "UK_POSTCODE",
    "billing": "IBAN_CODE",
    "payment_card": "CREDIT_CARD",
    "government_id": "UK_NINO",
    "date_of_birth": "DATE_OF_BIRTH",
    "special_category": "HEALTH_CONDITION",
    "online_identifier": "IP_ADDRESS",
}


def item(uri: str, store: str = "undeclared", **kw: Any) -> dict[str, Any]:
    """Build an items.parquet row with sensible defaults; `kw` overrides any column."""
    row: dict[str, Any] = {name: None for name in ITEMS_SCHEMA.names}
    row.update(
        uri=uri,
        source=kw.pop("source", "local-1"),
        store=store,
        name=uri.rsplit("/", 1)[-1],
        size=100,
        modified=datetime(2025, 1, 1, tzinfo=UTC),
        status="ok",
        finding_count=0,
    )
    row.update(kw)
    if isinstance(row["metadata"], dict):
        row["metadata"] = json.dumps(row["metadata"])
    return row


def finding(uri: str, category: str, n: int = 0, entity: str | None = None) -> dict[str, Any]:
    """Build a findings.parquet row holding masked evidence only, as the pipeline writes it."""
    return {
        "item_uri": uri,
        "location": f"line {n + 1}",
        "entity_type": entity or ENTITY_OF[category],
        "category": category,
        "score": 0.9,
        "detector": "test",
        "evidence_masked": "J*** S****",
        "value_hash": f"{n:064x}",
        "start": 0,
        "end": 10,
        "reason": "TestRecognizer: shape test, mod-97 ok, cue 'iban' +0.10",
    }


def write_scan(
    scan_dir: Path,
    items: list[dict[str, Any]],
    findings: list[dict[str, Any]],
    meta: dict[str, Any] | None = None,
) -> Path:
    """Write items.parquet, findings.parquet and scan.json the way a finished scan leaves them."""
    scan_dir.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    for f in findings:
        counts[f["item_uri"]] = counts.get(f["item_uri"], 0) + 1
    w = RowWriter(scan_dir / "items.parquet", ITEMS_SCHEMA)
    for row in items:
        w.write({**row, "finding_count": counts.get(row["uri"], 0)})
    w.publish()
    w = RowWriter(scan_dir / "findings.parquet", FINDINGS_SCHEMA)
    w.write_many(findings)
    w.publish()
    data = {"scan_id": scan_dir.name, "started": STARTED.isoformat()} | (meta or {})
    (scan_dir / "scan.json").write_text(json.dumps(data), encoding="utf-8")
    return scan_dir


def config(stores: list[dict[str, Any]], base: Path) -> cfg.ScanConfig:
    """Parse a ScanConfig from `[[store]]` tables, through the real parser."""
    return cfg.from_dict({"store": stores}, base)


@pytest.fixture
def scan_dir(tmp_path: Path) -> Path:
    return tmp_path / "scan-1"


MakeScan = Callable[..., Path]
