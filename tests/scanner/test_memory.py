"""A big delimited file does not multiply a worker's memory (issue 13).

Issue 13: a 199 MB CSV used 1,449 MB in one worker: the whole file decoded, wrapped in a
StringIO, and every row held until detection. Here a 40 MB CSV goes through the real
ItemProcessor and extractor in a fresh process, with a detector that only reads every cell (the
NLP model is not what is measured), and the process's peak RSS may grow by a fraction of the
file's size over the bytes themselves. Before the fix it grew by four times the file.
"""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import REPO, cli_env

SCRIPT = r"""
import dataclasses, resource, sys
from pathlib import Path
from detectors.base import Detector
from scanner import config as config_mod
from scanner.models import Item
from scanner.privacy import Redactor
from scanner.worker import ItemProcessor

class ReadsEveryCell(Detector):
    chars = 0
    def detect(self, segments):
        for s in segments:
            for row in getattr(s, "rows", ()):
                self.chars += sum(map(len, row))
        return iter(())

def peak_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

row = ("10042,Eleanor,Whitfield,14 Mill Lane,Leeds,LS6 2QT,07700 900461,"
       "eleanor@example.co.uk,2024-01-02,pending\n")
data = ("id,first,last,street,town,postcode,phone,email,date,status\n"
        + row * (40 * 2**20 // len(row))).encode()
cfg = config_mod.for_paths([Path("/tmp")], Path("/tmp/out"))
cfg = dataclasses.replace(cfg, limits=dataclasses.replace(cfg.limits, max_chars=10**9))
detector = ReadsEveryCell()
processor = ItemProcessor(cfg, detector, {}, Redactor(b"k" * 32))
sent = []
small = Item(uri="/w.csv", source="s", store="u", name="w.csv", data=b"a,b\n1,2\n")
processor.run(0, small, sent.append)  # imports and first-use allocations out of the way
base = peak_mb()
processor.run(1, Item(uri="/x.csv", source="s", store="u", name="x.csv", data=data), sent.append)
print(len(data) / 2**20, peak_mb() - base, detector.chars, sent[-1][2].status)
"""


def test_a_40_mb_csv_is_read_in_flat_memory() -> None:
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        cwd=REPO,
        env=cli_env(),
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    size_mb, growth_mb, chars, status = done.stdout.split()
    assert status == "ok"
    assert int(chars) > 35 * 2**20  # every cell reached the detector
    assert float(growth_mb) < float(size_mb) / 4, done.stdout  # was about 4x the file
