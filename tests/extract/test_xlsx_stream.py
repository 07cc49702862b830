"""A pathological xlsx dimension does not kill the worker, and its real cells are read (issue 13).

Issue 13's input: a 5 KB xlsx with data in A1:B2 and one cell at XFD1048576. calamine sized one
dense grid from A1 to XFD1048576 (512 GiB), the allocation failed inside Rust and the process
aborted, losing A1 with it. The file is made here by openpyxl (a real xlsx writer) and extracted
in a child process, so an abort would show as a dead process rather than take the test run down.
"""

from __future__ import annotations

import io
import subprocess
import sys

import openpyxl

from scanner.extract import xlsx_stream
from scanner.extract.sheets import calamine_tables
from tests.conftest import REPO, cli_env

EXTRACT = r"""
import json, sys
from tests.extract.files import walk
node = walk(sys.stdin.buffer.read(), "rota.xlsx")[0]
print(json.dumps({"extractor": node.extractor, "status": node.status, "cells": node.cells()}))
"""


def hostile_xlsx() -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Rota"
    ws["A1"], ws["B1"] = "Name", "Mobile"
    ws["A2"], ws["B2"] = "Harriet Oakley", "07700 900461"
    ws["XFD1048576"] = "end"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_a_cell_at_xfd1048576_does_not_kill_the_worker_and_a1_is_read() -> None:
    import json

    data = hostile_xlsx()
    assert len(data) < 8 * 1024
    done = subprocess.run(
        [sys.executable, "-c", EXTRACT],
        input=data,
        cwd=REPO,
        env=cli_env(),
        capture_output=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr.decode()[-2000:]
    node = json.loads(done.stdout)
    assert (node["extractor"], node["status"]) == ("xlsx", "ok")
    assert node["cells"] == {
        "Rota!A2": "Harriet Oakley",
        "Rota!B2": "07700 900461",
        "Rota!XFD1048576": "end",
    }


def test_ordinary_workbooks_stay_with_calamine_and_the_stream_reads_them_alike() -> None:
    wb = openpyxl.Workbook(write_only=True)  # shared strings, as Excel writes them
    ws = wb.create_sheet("People")
    ws.append(["id", "name", "email", "mobile"])
    for n in range(3000):
        ws.append([n, f"Person {n}", f"p{n}@example.com", 7700900000 + n])
    gap = wb.create_sheet("Gaps")
    gap.append(["Name"])
    gap.append([None])
    gap.append(["Eleanor Whitfield"])
    out = io.BytesIO()
    wb.save(out)
    data = out.getvalue()
    assert not xlsx_stream.too_dense(data)

    def cells(segments: object) -> dict[str, str]:
        return {
            s.cell_location(r, c): v
            for s in segments  # type: ignore[attr-defined]
            for r, row in enumerate(s.rows)
            for c, v in enumerate(row)
            if v
        }

    assert cells(xlsx_stream.tables(data)) == cells(calamine_tables(data))
    assert cells(xlsx_stream.tables(data))["Gaps!A3"] == "Eleanor Whitfield"
