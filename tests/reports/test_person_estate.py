"""A data-subject request against the demo estate, end to end with the real CLI and model.

The demo estate is built by examples/make_estate.py; this test then plants one person in five
stores and formats, each in a different spelling of her values (a CRM export row, the body and
From header of an e-mail, a row of the HR spreadsheet with her name as `Surname, Forename`, a PDF
letter, a member of a zip in the backups), and a different person sharing her forename and her
postcode. After a real scan, `noticescan person` asked with yet other spellings (no accent, other
case, other spacing) must find exactly those five items as strong matches, the other Zoë only as
a weak one, and write none of the values anywhere. Then the person is erased from the estate, an
incremental scan runs, and `--history` shows her found in the first scan and gone from the second.
"""

from __future__ import annotations

import csv
import io
import json
import shlex
import shutil
import subprocess
import zipfile
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

import openpyxl
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner
from fpdf import FPDF

from scanner.cli import cli
from tests.conftest import REPO, make_estate, run_cli
from tests.reports.test_person import assert_no_raw_values

ESTATE_SCRIPT = REPO / "examples" / "make_estate.py"
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not ESTATE_SCRIPT.exists(), reason="needs examples/make_estate.py"),
]

NAME, EMAIL, MOBILE = "Zoë Kowalczyk", "zoe.kowalczyk@fernmail.example", "07700 900461"
NINO, DOB, IBAN, POSTCODE = "JT 48 29 17 C", "14/07/1988", "GB54 MIDL 4005 1587 6543 21", "LS6 2QT"
# How the compliance officer types them: other case, no accent, other spacing and formats.
ASKED = {
    "--name": "zoe kowalczyk",
    "--email": "Zoe.Kowalczyk@FernMail.example",
    "--phone": "+447700900461",
    "--nino": "jt482917c",
    "--dob": "1988-07-14",
    "--iban": "gb54midl40051587654321",
    "--postcode": "ls62qt",
}
RAW = [NAME, EMAIL, MOBILE, NINO, DOB, IBAN, POSTCODE, "Zoe Kowalczyk", "+447700900461"]
RAW += ["JT482917C", "1988-07-14", "GB54MIDL40051587654321", "LS62QT", "Kowalczyk, Zo"]
PLANTED = (
    "crm/crm_export.csv",
    "mail/2025-11-03_change-of-details.eml",
    "hr/employees.xlsx",
    "hr/letters/reference-2025-10.pdf",
    "backups/hr-leavers-2024.zip#leavers/leavers.csv",
)
OTHER_ZOE = "crm/site-visit-2025-11.txt"


def plant(estate: Path) -> dict[str, bytes]:
    """Write the person into five items and the other Zoë into one; returns files replaced."""
    originals = {
        rel: (estate / rel).read_bytes() for rel in ("crm/crm_export.csv", "hr/employees.xlsx")
    }
    with (estate / "crm/crm_export.csv").open("a", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerow(
            ["C-2299", NAME, "Fern Analytics", "Buyer", "0113 496 0999", MOBILE, EMAIL]
            + ["02/11/2025", "Asked for a copy of her data"]
        )
    msg = EmailMessage()
    msg["From"] = f"{NAME} <{EMAIL}>"
    msg["To"] = "Sales <sales@flotechps.co.uk>"
    msg["Subject"] = "Change of details"
    msg["Date"] = format_datetime(datetime(2025, 11, 3, 9, 5, tzinfo=UTC))
    msg.set_content(
        "Hello,\n\nPlease update my details: I have moved to 14 Larch Way, Leeds "
        f"{POSTCODE}, and my mobile is now +44 7700 900461.\n\nKind regards,\n\n{NAME}\n"
    )
    (estate / PLANTED[1]).write_bytes(bytes(msg))
    book = openpyxl.load_workbook(estate / "hr/employees.xlsx")
    sheet = book.active
    assert sheet is not None
    sheet.append(
        ["Kowalczyk, Zoë", DOB, NINO, "14 Larch Way, Leeds", POSTCODE, "40-05-15", "87654321"]
    )
    book.save(estate / "hr/employees.xlsx")
    pdf = FPDF(format="A4")
    pdf.add_page()
    pdf.set_font("Helvetica", size=10)
    letter = [
        "Flotech Performance Systems Ltd",
        "",
        f"Ms {NAME}",
        "14 Larch Way",
        f"Leeds {POSTCODE}",
        "",
        f"Dear Ms {NAME.split()[1]},",
        f"Employment reference. National Insurance number: {NINO}.",
        "We confirm your employment as a buyer from 2019 to 2024.",
        "",
        "cc: Z. Kowalczyk, personnel file",
    ]
    for line in letter:
        pdf.cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
    (estate / PLANTED[3]).parent.mkdir(parents=True, exist_ok=True)
    (estate / PLANTED[3]).write_bytes(bytes(pdf.output()))
    leavers = io.StringIO()
    csv.writer(leavers).writerows(
        [["Name", "Email", "Leaving Date", "IBAN"], [NAME, EMAIL, "31/03/2024", IBAN]]
    )
    with zipfile.ZipFile(estate / "backups/hr-leavers-2024.zip", "w") as zf:
        zf.writestr("leavers/leavers.csv", leavers.getvalue())
    (estate / OTHER_ZOE).write_text(
        "Site visit note\nMet Zoë Whitfield at 3 Larch Way, Leeds LS6 2QT about the pump room.\n"
        "Tel 0113 496 0777\n",
        encoding="utf-8",
    )
    return originals


def erase(estate: Path, originals: dict[str, bytes]) -> None:
    """Delete the person: the files that hold only her go, the shared ones lose her row."""
    for rel, data in originals.items():
        (estate / rel).write_bytes(data)
    for rel in (PLANTED[1], PLANTED[3], "backups/hr-leavers-2024.zip"):
        (estate / rel).unlink()


@pytest.fixture(scope="module")
def estate_scan(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict[str, bytes]]:
    """(root, estate, replaced originals) after one scan of the estate with the person planted."""
    root = tmp_path_factory.mktemp("dsar")
    estate = root / "examples" / "estate"
    make_estate(estate)
    originals = plant(estate)
    shutil.copy(REPO / "config.example.toml", root / "config.toml")
    done = run_cli("scan", "--config", str(root / "config.toml"), "--quiet", timeout=900)
    assert done.returncode in (0, 1), done.stderr
    return root, estate, originals


ASKED_ARGS = [x for pair in ASKED.items() for x in pair]


def person(*args: str) -> subprocess.CompletedProcess[str]:
    """The real command in its own process."""
    return run_cli("person", *args, *ASKED_ARGS)


def in_process(*args: str) -> str:
    """The command through Click in this process (no start-up cost); returns its stdout."""
    result = CliRunner().invoke(cli, ["person", *args])
    assert result.exit_code == 0, result.output
    return result.stdout


def test_person_found_in_exactly_the_planted_items(
    estate_scan: tuple[Path, Path, dict[str, bytes]],
) -> None:
    root, estate, _ = estate_scan
    bundle = root / "dsar-0001"
    done = person(str(root / "scans" / "latest"), "--format", "json", "--out", str(bundle))
    assert done.returncode == 0, done.stderr
    rows = json.loads(done.stdout)
    prefix = str(estate.resolve()) + "/"
    strength = {r["item_uri"].removeprefix(prefix): r["strength"] for r in rows}
    assert {i for i, s in strength.items() if s == "strong"} == set(PLANTED)
    assert {i for i, s in strength.items() if s == "weak"} == {OTHER_ZOE}  # the shared postcode
    stores = {r["item_uri"].removeprefix(prefix): r["store"] for r in rows}
    assert stores[PLANTED[0]] == "crm" and stores[PLANTED[4]] == "backups"
    on = {(r["item_uri"].removeprefix(prefix), r["matched_on"], r["form"]) for r in rows}
    assert (PLANTED[2], "name", "surname, forename") in on  # `Kowalczyk, Zoë` in the HR sheet
    assert (PLANTED[3], "nino", "nino") in on
    assert (PLANTED[4], "iban", "iban") in on
    assert {r["matched_on"] for r in rows} >= {"name", "email", "phone", "nino", "dob", "iban"}

    assert sorted(p.name for p in bundle.iterdir()) == [
        "matches.csv",
        "matches.parquet",
        "person.html",
    ]
    assert_no_raw_values(root / "scans", RAW)  # the scan's own outputs
    assert_no_raw_values(bundle, RAW)
    for value in RAW:
        assert value.casefold() not in (done.stdout + done.stderr).casefold()


def test_history_shows_the_erasure(estate_scan: tuple[Path, Path, dict[str, bytes]]) -> None:
    root, estate, originals = estate_scan
    erase(estate, originals)
    done = run_cli("scan", "--config", str(root / "config.toml"), "--quiet", "--incremental")
    assert done.returncode in (0, 1), done.stderr
    done = person(str(root / "scans"), "--history", "--format", "json")
    assert done.returncode == 0, done.stderr
    before, after = json.loads(done.stdout)
    assert (before["outcome"], before["strong_items"]) == ("found", len(PLANTED))
    assert (after["strong_items"], after["weak_items"]) == (0, 1)  # only the other Zoë
    table = in_process(str(root / "scans"), "--history", *ASKED_ARGS)
    assert f"{after['scan_id']}: found in 1 item(s)" in table
    assert "0 strong" in table.splitlines()[-1]


def test_readme_demo_request_finds_its_person(
    estate_scan: tuple[Path, Path, dict[str, bytes]],
) -> None:
    """The demo command in the README names a person the estate really holds."""
    root, _, _ = estate_scan
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    line = next(x for x in readme.splitlines() if x.startswith("`noticescan person scans/latest"))
    args = shlex.split(line.strip("`."))[2:]
    found = in_process(str(root / "scans" / "latest"), *args[1:], "--format", "json")
    assert any(r["strength"] == "strong" for r in json.loads(found))


def test_scan_writes_bloom_filters_for_lookups(
    estate_scan: tuple[Path, Path, dict[str, bytes]],
) -> None:
    """The lookup's speed rests on these (bench.person): every row group has its filter."""
    root, _, _ = estate_scan
    for name, column in (("findings.parquet", "value_hash"), ("items.parquet", "uri")):
        meta = pq.ParquetFile(root / "scans" / "latest" / name).metadata
        index = meta.schema.to_arrow_schema().get_field_index(column)
        for group in range(meta.num_row_groups):
            assert meta.row_group(group).column(index).bloom_filter_offset is not None, name
