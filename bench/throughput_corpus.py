"""The mixed corpus bench/throughput.py scans: what a few-TB file server holds, scaled down.

Most files are business prose or ledgers with no personal data; some are dense with it (letters,
HR notes); some are large tables (ledgers, customer lists, payroll); a third of the mails carry
the same attachment (a policy PDF without personal data, or a contract with some), as a
file server's mail exports do. Every planted value is recorded per top-level file in
`manifest.json`, so recall can be measured on any subset of files.

Everything comes from one seed, so a corpus of a given size is the same on every machine; it is
written once under bench/.cache/ and reused (generation takes about as long as a scan).
Identifiers come from examples/estate_ids.py (valid checksums, reserved ranges: no real person).
"""

from __future__ import annotations

import csv
import email.message
import io
import json
import random
import shutil
import sys
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "examples"))
from estate_formats import CATEGORY  # noqa: E402
from estate_ids import LANDLINES, MOBILE, POSTCODE_RE, IdFactory  # noqa: E402

VERSION = 2  # bump when the generator changes: cached corpora of another version are rebuilt
SEED = 20260308
# Share of the corpus's bytes per kind of file.
MIX = {
    "prose": 0.24,
    "dense": 0.06,
    "ledger": 0.26,
    "people_table": 0.14,
    "mail": 0.24,
    "archive": 0.06,
}
Planted = list[tuple[str, str, str]]  # (entity, category, value)

SUBJECTS = (
    "The quarterly maintenance review", "Our service team", "The procurement board",
    "The new booster set controller", "The commissioning plan", "Finance",
    "The site survey", "The operations committee", "The replacement pump order",
    "The energy audit", "The warranty claim", "Our stores department",
)  # fmt: skip
VERBS = (
    "confirmed", "postponed", "approved", "questioned", "reviewed", "signed off",
    "rescheduled", "costed", "accepted", "rejected", "extended", "documented",
)  # fmt: skip
OBJECTS = (
    "the revised budget for the depot", "the commissioning schedule for phase two",
    "the variable speed drive retrofit", "the spare parts framework agreement",
    "the pressure test results", "the annual service contract",
    "the health and safety method statement", "the invoice backlog",
    "the firmware upgrade on the duty pumps", "the freight charges for October",
    "the tender response", "the risk register",
    # Capitalised words that are not names, as real business prose has them everywhere.
    "the Leeds depot refurbishment", "the Grundfos CR pump swap", "the Aire Valley site visit",
    "the Northern Water framework", "the ISO 9001 surveillance audit",
    "the Microsoft Teams licence renewal", "the Building Regulations Part L review",
    "the Siemens PLC replacement at Bradford", "the Yorkshire Water tender",
)  # fmt: skip
TAILS = (
    "before the end of the quarter.", "pending two further supplier quotes.",
    "after the meeting on Tuesday.", "subject to the usual terms.",
    "with a saving of around 12 per cent.", "so that the site can reopen next week.",
    "in line with the framework agreement.", "and will report back in March.",
    "as agreed with Northern Powergrid.", "ahead of the Health and Safety Executive visit.",
    "once the Sage Line 50 export is reconciled.", "for the Manchester and Sheffield sites.",
)  # fmt: skip
LEDGER_WORDS = (
    "Freight", "Parts stock", "Labour", "Rent", "Utilities", "Consumables", "Hire",
    "Insurance", "Fuel", "Calibration", "Software", "Training",
)  # fmt: skip


@dataclass(frozen=True)
class Person:
    """A fictitious person: every value a dense file might hold about them."""

    name: str
    email: str
    phone: str
    mobile: str
    street: str
    postcode: str
    nino: str
    sort_code: str
    account: str
    iban: str
    card: str
    nhs: str
    dob: str


class Corpus:
    """Writes files kind by kind until each kind's share of `size_mb` is reached."""

    def __init__(self, out: Path, size_mb: float, seed: int = SEED) -> None:
        from faker import Faker

        self.out, self.size = out, size_mb * 1e6
        self.rng = random.Random(seed)
        self.ids = IdFactory(seed)
        fake = Faker("en_GB")
        fake.seed_instance(seed)
        streets = [fake.street_name() for _ in range(300)]
        codes = [c for c in (fake.postcode() for _ in range(600)) if POSTCODE_RE.match(c)]
        names = sorted({f"{fake.first_name()} {fake.last_name()}" for _ in range(1500)})
        self.people = [self._person(n, streets, codes) for n in names]
        self.manifest: list[dict[str, Any]] = []
        self._shared: dict[str, tuple[bytes, Planted]] = {}

    # --- values -------------------------------------------------------------------------------

    def _phone(self, mobile: bool) -> str:
        prefix = MOBILE[0] if mobile else self.rng.choice(LANDLINES)[0]
        return prefix + self.ids.digits(3)  # no uniqueness: the drama ranges hold 7,000 numbers

    def _person(self, name: str, streets: list[str], codes: list[str]) -> Person:
        first, _, last = name.partition(" ")
        born = date(1950, 1, 1) + timedelta(days=self.rng.randrange(365 * 50))
        return Person(
            name=name,
            email=f"{first}.{last}".lower().replace("'", "") + "@example.co.uk",
            phone=self._phone(False),
            mobile=self._phone(True),
            street=f"{self.rng.randrange(1, 240)} {self.rng.choice(streets)}",
            postcode=self.rng.choice(codes),
            nino=self.ids.nino(spaced=self.rng.random() < 0.5),
            sort_code=self.ids.sort_code(),
            account=self.ids.account_number(),
            iban=self.ids.iban("GB"),
            card=" ".join(self.ids.card()[i : i + 4] for i in (0, 4, 8, 12)),
            nhs=self.ids.nhs(),
            dob=born.strftime("%d/%m/%Y"),
        )

    def prose(self, sentences: int) -> str:
        """Business prose with no personal data, in paragraphs of 3-6 sentences."""
        r, out, para = self.rng, [], []
        for n in range(sentences):
            sent = f"{r.choice(SUBJECTS)} {r.choice(VERBS)} {r.choice(OBJECTS)} {r.choice(TAILS)}"
            if n % 7 == 3:
                sent = f"Order {r.randrange(1000, 9999)}-{r.randrange(10, 99)}: "
                sent += f"{r.randrange(1, 40)} units at £{r.randrange(20, 900)}.00 each."
            para.append(sent)
            if len(para) >= r.randrange(3, 7):
                out.append(" ".join(para))
                para = []
        out.append(" ".join(para))
        return "\n\n".join(p for p in out if p)

    def dense(self, people: int) -> tuple[str, Planted]:
        """A letter or HR note naming `people` people with their identifiers, between prose."""
        parts: list[str] = []
        planted: Planted = []

        def say(text: str, *values: tuple[str, str]) -> None:
            parts.append(text)
            planted.extend((e, CATEGORY[e], v) for e, v in values)

        for _ in range(people):
            p = self.rng.choice(self.people)
            say(self.prose(3))
            pick = self.rng.randrange(6)
            if pick == 0:
                say(f"Dear {p.name},", ("PERSON", p.name))
                say(
                    f"We have updated your address to {p.street}, {p.postcode} and will call "
                    f"you on {p.phone} if anything changes.",
                    ("UK_POSTCODE", p.postcode), ("PHONE_NUMBER", p.phone),
                )  # fmt: skip
            elif pick == 1:
                say(
                    f"Employee {p.name} (National Insurance number {p.nino}, date of birth "
                    f"{p.dob}) starts on Monday.",
                    ("PERSON", p.name), ("UK_NINO", p.nino), ("DATE_OF_BIRTH", p.dob),
                )  # fmt: skip
            elif pick == 2:
                say(
                    f"Please pay {p.name} by BACS: sort code {p.sort_code}, account number "
                    f"{p.account}, or IBAN {p.iban}.",
                    ("PERSON", p.name), ("UK_SORT_CODE", p.sort_code),
                    ("UK_BANK_ACCOUNT", p.account), ("IBAN_CODE", p.iban),
                )  # fmt: skip
            elif pick == 3:
                say(
                    f"The refund went to card {p.card}; questions to {p.email}.",
                    ("CREDIT_CARD", p.card), ("EMAIL_ADDRESS", p.email),
                )  # fmt: skip
            elif pick == 4:
                say(
                    f"Return to work meeting with {p.name}, NHS number {p.nhs}; the GP letter "
                    "confirms type 2 diabetes.",
                    ("PERSON", p.name), ("UK_NHS", p.nhs),
                )  # fmt: skip
            else:
                say(
                    f"For site access call {p.name} on {p.mobile} or write to {p.email}.",
                    ("PERSON", p.name), ("PHONE_NUMBER", p.mobile), ("EMAIL_ADDRESS", p.email),
                )  # fmt: skip
        return "\n\n".join(parts), planted

    # --- file writers -------------------------------------------------------------------------

    def document(self, fmt: str, text: str) -> bytes:
        """Prose as a file of format `fmt`, written by the library that writes it in the wild."""
        paras = text.split("\n\n")
        if fmt == "txt":
            return text.encode()
        if fmt == "html":
            body = "".join(f"<p>{p}</p>\n" for p in paras)
            return f"<html><head><title>Note</title></head><body>{body}</body></html>".encode()
        if fmt == "rtf":
            body = "".join(p.replace("£", "\\'a3") + "\\par\n" for p in paras)
            return ("{\\rtf1\\ansi\\deff0 " + body + "}").encode()
        out = io.BytesIO()
        if fmt == "docx":
            import docx

            d = docx.Document()
            for p in paras:
                d.add_paragraph(p)
            d.save(out)
        elif fmt == "pdf":
            from fpdf import FPDF

            pdf = FPDF()
            pdf.set_font("helvetica", size=10)
            pdf.add_page()
            for p in paras:
                pdf.multi_cell(0, 5, p.encode("latin-1", "replace").decode("latin-1"))
                pdf.ln(2)
            return bytes(pdf.output())
        else:
            raise ValueError(fmt)
        return out.getvalue()

    def table(self, fmt: str, header: list[str], rows: list[list[str]]) -> bytes:
        """A table as CSV or xlsx."""
        if fmt == "csv":
            buf = io.StringIO()
            w = csv.writer(buf, lineterminator="\r\n")
            w.writerow(header)
            w.writerows(rows)
            return buf.getvalue().encode()
        import openpyxl

        wb = openpyxl.Workbook(write_only=True)
        ws = wb.create_sheet("Sheet1")
        ws.append(header)
        for row in rows:
            ws.append(row)
        out = io.BytesIO()
        wb.save(out)
        return out.getvalue()

    def ledger(self, rows: int) -> tuple[list[str], list[list[str]]]:
        """Journal lines: dates, codes and amounts, no personal data."""
        r = self.rng
        header = ["Date", "Journal", "Account", "Cost Centre", "Description", "Debit", "Credit"]
        body = []
        for n in range(rows):
            amount = f"{r.randrange(1, 99999) / 100:.2f}"
            debit = r.random() < 0.5
            body.append(
                [
                    f"{r.randrange(1, 29):02d}/{r.randrange(1, 13):02d}/2025",
                    f"J{100000 + n}",
                    str(r.randrange(4000, 8999)),
                    f"CC{r.randrange(10, 99)}",
                    f"{r.choice(LEDGER_WORDS)} {r.choice(LEDGER_WORDS).lower()}",
                    amount if debit else "",
                    "" if debit else amount,
                ]
            )
        return header, body

    def people_table(self, rows: int) -> tuple[list[str], list[list[str]], Planted]:
        """A customer list or payroll; every 50th row's values are recorded as planted."""
        payroll = self.rng.random() < 0.4
        header = ["Ref", "Name", "Email", "Phone", "Postcode", "Balance"]
        if payroll:
            header = ["Employee", "Name", "NI Number", "Sort Code", "Account Number", "Net Pay"]
        body, planted = [], []
        for n in range(rows):
            p = self.rng.choice(self.people)
            money = f"{self.rng.randrange(100, 999999) / 100:.2f}"
            if payroll:
                row = [f"E{10000 + n}", p.name, p.nino, p.sort_code, p.account, money]
                kinds = ("PERSON", "UK_NINO", "UK_SORT_CODE", "UK_BANK_ACCOUNT")
            else:
                row = [f"C{10000 + n}", p.name, p.email, p.mobile, p.postcode, money]
                kinds = ("PERSON", "EMAIL_ADDRESS", "PHONE_NUMBER", "UK_POSTCODE")
            body.append(row)
            if n % 50 == 0:
                planted += [(e, CATEGORY[e], v) for e, v in zip(kinds, row[1:5], strict=True)]
        return header, body, planted

    def mail(self, n: int, with_pii: bool) -> tuple[bytes, Planted]:
        """One message; some carry a signature, some the shared policy or contract attachment."""
        sender = self.rng.choice(self.people)
        msg = email.message.EmailMessage()
        msg["From"] = f"{sender.name} <{sender.email}>"
        msg["To"] = "projects@flotech.example"
        msg["Subject"] = f"Project update {n}"
        msg["Date"] = "Tue, 02 Sep 2025 09:30:00 +0000"
        planted: Planted = [("EMAIL_ADDRESS", "contact", sender.email)]
        body = self.prose(self.rng.randrange(6, 30))
        if with_pii:
            text, more = self.dense(2)
            body += "\n\n" + text
            planted += more
        msg.set_content(body)
        roll = self.rng.random()
        if roll < 0.35:
            data, _ = self.shared("policy.pdf")
            msg.add_attachment(data, maintype="application", subtype="pdf", filename="policy.pdf")
        elif roll < 0.45:
            data, more = self.shared("contract.docx")
            sub = "vnd.openxmlformats-officedocument.wordprocessingml.document"
            msg.add_attachment(data, maintype="application", subtype=sub, filename="contract.docx")
            planted += more
        return msg.as_bytes(), planted

    def shared(self, name: str) -> tuple[bytes, Planted]:
        """The one attachment many mails carry (same bytes every time)."""
        if name not in self._shared:
            if name == "policy.pdf":
                self._shared[name] = (self.document("pdf", self.prose(400)), [])
            else:
                text, planted = self.dense(4)
                self._shared[name] = (self.document("docx", text), planted)
        return self._shared[name]

    # --- the corpus ---------------------------------------------------------------------------

    def write(self, kind: str, rel: str, data: bytes, planted: Planted) -> int:
        """Write one top-level file and its manifest row; return its size."""
        path = self.out / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        self.manifest.append(
            {"file": rel, "kind": kind, "bytes": len(data), "planted": [list(p) for p in planted]}
        )
        return len(data)

    def one(self, kind: str, n: int) -> int:
        """Write file number `n` of `kind`; return its size."""
        r = self.rng
        if kind == "prose":
            fmt = r.choice(("txt", "txt", "docx", "pdf", "html", "rtf"))
            return self.write(
                kind,
                f"prose/{n:06d}.{fmt}",
                self.document(fmt, self.prose(r.randrange(20, 160))),
                [],
            )
        if kind == "dense":
            fmt = r.choice(("txt", "docx", "pdf", "html"))
            text, planted = self.dense(r.randrange(4, 16))
            return self.write(kind, f"dense/{n:06d}.{fmt}", self.document(fmt, text), planted)
        if kind == "ledger":
            fmt = "csv" if r.random() < 0.8 else "xlsx"
            header, rows = self.ledger(r.randrange(5_000, 40_000 if fmt == "csv" else 12_000))
            return self.write(kind, f"ledger/{n:06d}.{fmt}", self.table(fmt, header, rows), [])
        if kind == "people_table":
            fmt = "csv" if r.random() < 0.7 else "xlsx"
            header, rows, planted = self.people_table(r.randrange(2_000, 20_000))
            return self.write(kind, f"people/{n:06d}.{fmt}", self.table(fmt, header, rows), planted)
        if kind == "mail":
            if r.random() < 0.05:  # a mailbox export of many messages
                msgs = [
                    self.mail(n * 1000 + i, r.random() < 0.2) for i in range(r.randrange(40, 200))
                ]
                data = b"".join(
                    b"From archive@flotech.example Tue Sep  2 09:30:00 2025\n" + m + b"\n"
                    for m, _ in msgs
                )
                return self.write(
                    kind, f"mail/{n:06d}.mbox", data, [p for _, ps in msgs for p in ps]
                )
            data, planted = self.mail(n, r.random() < 0.2)
            return self.write(kind, f"mail/{n:06d}.eml", data, planted)
        out, planted = io.BytesIO(), []
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
            for m in range(r.randrange(5, 30)):
                if r.random() < 0.2:
                    text, more = self.dense(r.randrange(2, 6))
                    planted += more
                else:
                    text = self.prose(r.randrange(20, 120))
                fmt = r.choice(("txt", "docx"))
                z.writestr(f"project/{m:03d}.{fmt}", self.document(fmt, text))
        return self.write(kind, f"archive/{n:06d}.zip", out.getvalue(), planted)

    def build(self) -> list[dict[str, Any]]:
        """Write kinds in an interleaved, seeded order until each reaches its share."""
        done = dict.fromkeys(MIX, 0.0)
        counts = dict.fromkeys(MIX, 0)
        while True:
            behind = [k for k in MIX if done[k] < MIX[k] * self.size]
            if not behind:
                return self.manifest
            kind = min(behind, key=lambda k: done[k] / MIX[k])
            done[kind] += self.one(kind, counts[kind])
            counts[kind] += 1


def ensure(
    size_mb: float, cache: Path, log: Callable[[str], None] = print
) -> tuple[Path, list[dict[str, Any]]]:
    """The corpus of `size_mb` under `cache`, generated on first use; (root, manifest)."""
    root = cache / f"corpus-v{VERSION}-{size_mb:g}mb"
    return cached(root, lambda files: Corpus(files, size_mb).build(), log)


def cached(
    root: Path, build: Callable[[Path], list[dict[str, Any]]], log: Callable[[str], None]
) -> tuple[Path, list[dict[str, Any]]]:
    """(root/files, manifest), built into root once by `build(files)`; a half-built one redone."""
    manifest_path = root / "manifest.json"
    if manifest_path.exists():
        return root / "files", json.loads(manifest_path.read_text())
    log(f"generating {root} (once; cached)")
    tmp = root.with_name(root.name + ".partial")
    shutil.rmtree(tmp, ignore_errors=True)
    manifest = build(tmp / "files")
    (tmp / "manifest.json").write_text(json.dumps(manifest))
    tmp.rename(root)
    return root / "files", manifest
