#!/usr/bin/env python3
"""Generate the bundled demo estate: the file tree of the organisation in the privacy notice.

Usage: python examples/make_estate.py [--out examples/estate]

Wipes and recreates OUT with a small, realistic tree for Flotech Performance Systems (the UK
engineering firm of shared/notice/privacy-notice.txt), in real formats written by the real
libraries, and writes OUT.manifest.json listing every planted personal value and every trap,
with the file, nested member, entity, notice category and location. Everything comes from one
seed (Faker en_GB plus a seeded random.Random), so two runs give the same tree and manifest;
no value belongs to a real person. Each folder is one store of the notice and is built to
trigger particular violations: see examples/README.md.
"""

from __future__ import annotations

import argparse
import json
import mailbox
import os
import re
import shutil
import sys
import zipfile
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

from faker import Faker

# The helper modules sit beside this script, which runs as a file rather than a package.
sys.path.insert(0, str(Path(__file__).resolve().parent))
from estate_formats import Doc, Pdf, Recorder, TextFile, csv_bytes, xlsx_bytes  # noqa: E402
from estate_mail import Correspondence  # noqa: E402
from estate_people import FLOTECH, Person  # noqa: E402

SEED = 20180525  # the date the notice's GDPR commitment starts
FOLDERS = ("accounts", "crm", "marketing", "engineering", "hr", "mail", "backups")
HOSTILE_NAME = "<img src=x onerror=alert(1)>.txt"
# Two invoices older than the notice's 7-year retention; everything else is recent.
OLD_INVOICES = (datetime(2015, 2, 17, 10, 12, tzinfo=UTC), datetime(2015, 9, 3, 15, 40, tzinfo=UTC))
RECENT_START = datetime(2025, 9, 1, 8, 30, tzinfo=UTC)
FOLDERS_MTIME = datetime(2026, 1, 31, 18, 0, tzinfo=UTC)


class Estate(Correspondence):
    """Writes the tree store by store; all randomness flows from one seed, in a fixed order."""

    def __init__(self, out: Path, seed: int = SEED) -> None:
        super().__init__(seed)
        self.out = out
        self.rec = Recorder()
        self.clock = RECENT_START

    def write(self, rel: str, data: bytes, when: datetime | None = None) -> None:
        """Write one file and give it a fixed mtime (the next tick of the clock by default)."""
        if when is None:
            self.clock += timedelta(hours=7, minutes=13)
            when = self.clock
        path = self.out / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        os.utime(path, (when.timestamp(), when.timestamp()))

    def table_file(
        self, rel: str, header: Sequence[str], rows: list[list[str]], kinds: dict[str, str]
    ) -> bytes:
        """Write a CSV, record its planted cells and return its bytes."""
        data = csv_bytes(header, rows)
        self.rec.table(rel, "", "", header, rows, kinds)
        self.write(rel, data)
        return data

    # --- stores -------------------------------------------------------------------------------

    def accounts(self) -> None:
        """Sage Line 50 export: customers, invoices (two past retention), statements."""
        header = ["Account Ref", "Name", "Company", "Street Address", "Town", "Postcode"]
        header += ["Phone", "Email", "VAT Number", "Sort Code", "Account Number"]
        rows = [
            [f"FLO{101 + i:04d}", c.name, c.company, c.street, c.town, c.postcode, c.phone]
            + [c.email, c.vat, c.sort_code, c.account]
            for i, c in enumerate(self.customers)
        ]
        kinds = {"Name": "PERSON", "Street Address": "ADDRESS", "Postcode": "UK_POSTCODE"}
        kinds |= {"Phone": "PHONE_NUMBER", "Email": "EMAIL_ADDRESS", "VAT Number": "VAT_NUMBER"}
        kinds |= {"Sort Code": "UK_SORT_CODE", "Account Number": "UK_BANK_ACCOUNT"}
        self.table_file("accounts/customers.csv", header, rows, kinds)

        dates = [*OLD_INVOICES, *(RECENT_START + timedelta(days=d) for d in (12, 40, 75, 121))]
        for i, (c, when) in enumerate(zip(self.customers[:6], dates, strict=True)):
            number = f"INV-{when:%y}-{412 + i * 97:04d}"
            rel = f"accounts/invoices/{number}.pdf"
            self.write(rel, self.invoice(rel, number, c, when), when)

        header = ["Account Ref", "Customer", "Contact", "Email", "Statement Date", "Invoice"]
        header += ["Amount", "Balance"]
        rows = []
        for i, c in enumerate(self.customers):
            amount = self.ids.rng.randrange(400, 9000)
            rows.append([f"FLO{101 + i:04d}", c.company, c.name, c.email, "31/10/2025"])
            rows[-1] += [f"INV-25-{1000 + i * 13}", f"{amount:.2f}", f"{amount * 0.4:.2f}"]
        eu = [("de_DE", "DE", "Hydraulik"), ("fr_FR", "FR", "Pompes")]
        eu_rows = []
        for locale, country, trade in eu:
            local = Faker(locale)
            local.seed_instance(SEED)
            name = f"{local.first_name()} {local.last_name()}"
            eu_rows.append([f"{local.last_name()} {trade}", name, country, self.ids.iban(country)])
        eu_header = ["Customer", "Contact", "Country", "IBAN"]
        sheets = [
            ("Statements", header, rows, {"Contact": "PERSON", "Email": "EMAIL_ADDRESS"}),
            ("EU Remittance", eu_header, eu_rows, {"Contact": "PERSON", "IBAN": "IBAN_CODE"}),
        ]
        rel = "accounts/statements.xlsx"
        self.write(rel, xlsx_bytes(self.rec, rel, sheets, self.clock))

    def invoice(self, rel: str, number: str, c: Person, when: datetime, member: str = "") -> bytes:
        """Return a one-page invoice PDF addressed to customer `c`."""
        pdf = Pdf(self.rec, rel, member)
        pdf.line(FLOTECH, bold=True)
        pdf.line("Aire Valley Business Park, Leeds  |  www.flotechps.co.uk")
        pdf.line()
        pdf.line(f"INVOICE {number}", bold=True)
        pdf.line(f"Invoice date: {when:%d/%m/%Y}    Terms: 30 days")
        pdf.line()
        pdf.line("Invoice to:")
        pdf.line(f"FAO {c.name}", [("PERSON", c.name)])
        pdf.line(c.company)
        pdf.line(c.street, [("ADDRESS", c.street)])
        pdf.line(f"{c.town}  {c.postcode}", [("UK_POSTCODE", c.postcode)])
        pdf.line(f"Customer VAT no: {c.vat}", [("VAT_NUMBER", c.vat)])
        contact = [("PHONE_NUMBER", c.phone), ("EMAIL_ADDRESS", c.email)]
        pdf.line(f"Tel: {c.phone}   Email: {c.email}", contact)
        pdf.line()
        labour, parts = self.ids.rng.randrange(300, 1500), self.ids.rng.randrange(100, 4000)
        pdf.line(f"Service visit and recommissioning, booster set       £{labour:,.2f}")
        pdf.line(f"Replacement parts (see delivery note)                 £{parts:,.2f}")
        pdf.line(
            f"VAT @ 20%                                             £{(labour + parts) * 0.2:,.2f}"
        )
        pdf.line(
            f"Total due                                             £{(labour + parts) * 1.2:,.2f}"
        )
        pdf.line()
        pdf.line(f"Please pay by BACS quoting {number}.")
        return pdf.bytes(when)

    def crm(self) -> None:
        """CRM export with marketing notes; one note reveals health data (special category)."""
        header = ["Contact ID", "Name", "Company", "Job Title", "Phone", "Mobile", "Email"]
        header += ["Last Contact", "Notes"]
        notes = [
            "Opened spring e-shot; wants VSD retrofit pricing",
            "Met at Pumps & Valves show; send case study",
            "Asked to be called back in Q1 re booster set",
            "Prefers email; budget approved for 2026",
            "On sick leave after knee surgery until mid-Jan; diabetic, no site lunches",
            "Clicked service-plan link twice",
            "Unsubscribed from newsletters, keep for service notices",
            "Survey: rated engineer visit 9/10",
            "Competitor quote in hand; follow up",
            "New FM contact replacing predecessor",
            "Requested brochure by post",
            "Trade show lead, hot",
        ]
        people = self.customers + self.prospects[:2]
        rows = [
            [f"C-{2201 + i}", p.name, p.company, p.job, p.phone, p.mobile, p.email]
            + [f"{(i * 3) % 28 + 1:02d}/10/2025", notes[i]]
            for i, p in enumerate(people)
        ]
        kinds = {"Name": "PERSON", "Phone": "PHONE_NUMBER", "Mobile": "PHONE_NUMBER"}
        kinds |= {"Email": "EMAIL_ADDRESS"}
        rel = "crm/crm_export.csv"
        self.crm_csv = self.table_file(rel, header, rows, kinds)
        for term in ("sick leave after knee surgery", "diabetic"):
            self.rec.add(rel, "", "HEALTH", term, "I6", rows[4][8])

        header = ["Name", "Company", "Phone", "Email", "Notes"]
        rows = [[p.name, p.company, p.mobile, p.email, notes[i]] for i, p in enumerate(people)]
        del rows[4]  # the health note lives only in the CRM export
        kinds = {"Name": "PERSON", "Phone": "PHONE_NUMBER", "Email": "EMAIL_ADDRESS"}
        rel = "crm/contacts.xlsx"
        self.write(rel, xlsx_bytes(self.rec, rel, [("Contacts", header, rows, kinds)], self.clock))

    def marketing(self) -> None:
        """Hosted bulk-mail list and a campaign draft."""
        header = ["Name", "Email", "Subscribed", "List", "Consent Source"]
        people = self.customers + self.prospects
        rows = [
            [p.name, p.email, f"{i % 27 + 1:02d}/0{i % 9 + 1}/2025", "Customers", "Web form"]
            for i, p in enumerate(people)
        ]
        self.table_file(
            "marketing/mailing_list.csv", header, rows, {"Name": "PERSON", "Email": "EMAIL_ADDRESS"}
        )

        rel = "marketing/spring-2026-eshot.docx"
        doc, c, m = Doc(self.rec, rel), self.customers[3], self.marketer
        doc.heading("Spring 2026 e-shot: cut pumping energy by up to 40%")
        doc.para("Audience: all customers and show leads. Send: Tuesday 10:00. Owner: marketing.")
        doc.para(
            "Variable speed drive retrofits pay back in under two years on most booster sets. "
            "Book a free site survey before 31 March."
        )
        quote = f'"The retrofit paid for itself in 14 months." - {c.name}, {c.job}, {c.company}'
        doc.para(quote, [("PERSON", c.name)])
        text = f"Questions? Contact {m.name} on {m.phone} or {m.email}."
        doc.para(text, [("PERSON", m.name), ("PHONE_NUMBER", m.phone), ("EMAIL_ADDRESS", m.email)])
        header = ["Segment", "Recipients", "Owner"]
        rows = [["Customers", "212", m.name], ["Show leads", "48", self.sales2.name]]
        doc.table(header, rows, {"Owner": "PERSON"})
        self.write(rel, doc.bytes(self.clock))

    def engineering(self) -> None:
        """File server: system documentation, controller configs, equipment register (traps)."""
        c, eng, ctl = self.customers[1], self.eng, self.controls
        slug = re.sub(r"[^a-z]+", "-", c.company.lower()).strip("-")
        rel = f"engineering/system-documentation-{slug}.docx"
        doc = Doc(self.rec, rel)
        doc.heading(f"System documentation: booster set BS-2, {c.company}")
        site = f"Site address: {c.street}, {c.town}, {c.postcode}"
        doc.para(site, [("ADDRESS", c.street), ("UK_POSTCODE", c.postcode)])
        text = f"Customer contact: {c.name}, {c.phone}, {c.email}"
        doc.para(text, [("PERSON", c.name), ("PHONE_NUMBER", c.phone), ("EMAIL_ADDRESS", c.email)])
        fw, serial = "4.12.0.118", " ".join(self.ids.not_card()[i : i + 4] for i in (0, 4, 8, 12))
        doc.para(
            f"Controller FPS-VSD-7.5, serial {serial}, firmware {fw}; duty/standby pumps.",
            traps=[("CREDIT_CARD", serial), ("IP_ADDRESS", fw)],
        )
        header = ["Name", "Role", "Phone", "Email"]
        rows = [[p.name, p.job, p.mobile, p.email] for p in (c, eng, ctl)]
        kinds = {"Name": "PERSON", "Phone": "PHONE_NUMBER", "Email": "EMAIL_ADDRESS"}
        doc.table(header, rows, kinds)
        self.write(rel, doc.bytes(self.clock))

        for n, (cust, unit) in enumerate(((c, "BS-2"), (self.customers[4], "PS-3"))):
            rel = f"engineering/configs/{unit.lower()}-controller.txt"
            txt = TextFile(self.rec, rel)
            txt.line(f"; {unit} controller configuration - {cust.company}")
            who = f"; Commissioned by {eng.name} ({eng.mobile}) - call before changing setpoints"
            txt.line(who, [("PERSON", eng.name), ("PHONE_NUMBER", eng.mobile)])
            txt.line("[site]")
            text = f"contact = {cust.name} <{cust.email}>"
            txt.line(text, [("PERSON", cust.name), ("EMAIL_ADDRESS", cust.email)])
            txt.line("[controller]")
            fw = f"{3 + n}.{8 + n}.{2 * n}.{140 + n * 7}"
            txt.line(f"firmware = {fw}", traps=[("IP_ADDRESS", fw)])
            pn = self.ids.part_number()
            txt.line(f"spare_board_part = {pn}", traps=[("PHONE_NUMBER", pn)])
            for setting in ("setpoint_bar = 4.5", "ramp_s = 12", "modbus_id = 17"):
                txt.line(setting)
            self.write(rel, txt.bytes())

        self.equipment_register()

        p = self.prospects[2]
        txt = TextFile(self.rec, f"engineering/{HOSTILE_NAME}")
        txt.line("Site visit note (file name pasted from a web form)")
        text = f"Contact: {p.name}, {p.mobile}, {p.email}"
        txt.line(text, [("PERSON", p.name), ("PHONE_NUMBER", p.mobile), ("EMAIL_ADDRESS", p.email)])
        try:
            self.write(f"engineering/{HOSTILE_NAME}", txt.bytes())
        except OSError:  # a filesystem that refuses '<', '>' or '=' simply does not get the file
            self.rec.entries = [e for e in self.rec.entries if e.file != txt.file]

    def equipment_register(self) -> None:
        """Asset register: every identifier in it resembles personal data and none is."""
        header = ["Asset Tag", "Description", "Site", "Part No.", "Model Code", "Serial No."]
        header += ["Firmware", "Installed", "Last Service Invoice"]
        kit = ["Booster set", "VSD 7.5kW", "Duty pump", "Standby pump", "Pressure vessel", "PLC"]
        rows = []
        rng = self.ids.rng
        for i in range(16):
            serial = self.ids.not_card()
            day, month = rng.randrange(1, 29), rng.randrange(1, 13)
            letters = rng.choice("ACEHJKLMNPRSTWY") + rng.choice("ABCEGHJKLMNPRSTW")
            rows.append(
                [
                    f"AT-{self.ids.digits(8)}",
                    kit[i % len(kit)],
                    self.customers[i % len(self.customers)].company,
                    self.ids.part_number(),
                    letters + self.ids.digits(6) + rng.choice("ABCD"),
                    " ".join(serial[j : j + 4] for j in (0, 4, 8, 12)),
                    f"{rng.randrange(1, 12)}.{rng.randrange(0, 30)}.{rng.randrange(0, 9)}"
                    f".{rng.randrange(1, 250)}",
                    f"{day:02d}/{month:02d}/{rng.randrange(1986, 2025)}",
                    f"INV {rng.randrange(15, 26)}-{month:02d}-{rng.randrange(1, 99):02d}",
                ]
            )
        kinds = {
            "Asset Tag": "TRAP:UK_BANK_ACCOUNT",
            "Part No.": "TRAP:PHONE_NUMBER",
            "Model Code": "TRAP:UK_NINO",
            "Serial No.": "TRAP:CREDIT_CARD",
            "Firmware": "TRAP:IP_ADDRESS",
            "Installed": "TRAP:DATE_OF_BIRTH",
            "Last Service Invoice": "TRAP:UK_SORT_CODE",
        }
        rel = "engineering/equipment_register.xlsx"
        self.write(rel, xlsx_bytes(self.rec, rel, [("Register", header, rows, kinds)], self.clock))

    def hr(self) -> None:
        """HR files: the notice never mentions HR, so the whole store is undeclared."""
        header = ["Name", "DOB", "NI Number", "Address", "Postcode", "Sort Code", "Account Number"]
        rows = [
            [p.name, p.dob, p.nino, f"{p.street}, {p.town}", p.postcode, p.sort_code, p.account]
            for p in self.staff
        ]
        kinds = {"Name": "PERSON", "DOB": "DATE_OF_BIRTH", "NI Number": "UK_NINO"}
        kinds |= {"Address": "ADDRESS", "Postcode": "UK_POSTCODE", "Sort Code": "UK_SORT_CODE"}
        kinds |= {"Account Number": "UK_BANK_ACCOUNT"}
        rel = "hr/employees.xlsx"
        self.write(rel, xlsx_bytes(self.rec, rel, [("Employees", header, rows, kinds)], self.clock))

        header = ["Employee ID", "Name", "NI Number", "Tax Code", "Period", "Gross Pay"]
        header += ["Net Pay", "Sort Code", "Account Number"]
        rows = []
        for i, p in enumerate(self.staff):
            gross = self.ids.rng.randrange(2100, 5200)
            nino = f"{p.nino[:2]} {p.nino[2:4]} {p.nino[4:6]} {p.nino[6:8]} {p.nino[8]}"
            rows.append([f"E{1001 + i}", p.name, nino, "1257L", "2025-10", f"{gross:.2f}"])
            rows[-1] += [f"{gross * 0.78:.2f}", p.sort_code, p.account]
        kinds = {"Name": "PERSON", "NI Number": "UK_NINO", "Sort Code": "UK_SORT_CODE"}
        kinds |= {"Account Number": "UK_BANK_ACCOUNT"}
        self.table_file("hr/payroll.csv", header, rows, kinds)

        rel = "hr/sick_notes.docx"
        doc = Doc(self.rec, rel)
        doc.heading("Sickness absence log 2025 - CONFIDENTIAL")
        doc.para("Kept by the office manager. Fit notes are scanned to the HR share.")
        header = ["Employee", "Absence", "Condition", "Treatment", "Fit Note"]
        health = [
            ("lower back pain (prolapsed disc)", "physiotherapy"),
            ("anxiety and depression", "sertraline 50mg, counselling"),
            ("hip replacement", "post-operative rehabilitation"),
            ("migraine", "sumatriptan"),
        ]
        rows = [
            [p.name, f"0{i + 2}/06/2025 - 1{i}/06/2025", cond, treat, "Yes" if i % 2 else "No"]
            for i, (p, (cond, treat)) in enumerate(zip(self.staff[1:5], health, strict=True))
        ]
        kinds = {"Employee": "PERSON", "Condition": "HEALTH", "Treatment": "HEALTH"}
        doc.table(header, rows, kinds)
        p, nhs = self.staff[0], self.ids.nhs()
        text = (
            f"Return to work: {p.name} (NHS number {nhs}). GP letter confirms type 2 diabetes, "
            "managed with metformin; no lone working at height until review."
        )
        values = [("PERSON", p.name), ("UK_NHS", nhs), ("HEALTH", "type 2 diabetes")]
        doc.para(text, [*values, ("HEALTH", "metformin")])
        self.write(rel, doc.bytes(self.clock))

    def mail(self) -> None:
        """Write saved customer correspondence (.eml) and the sales team's mailbox (.mbox)."""
        for name, msg, sent in self.customer_messages():
            self.write(f"mail/{name}.eml", bytes(msg), sent)
        rel = "mail/sales.mbox"
        (self.out / rel).parent.mkdir(parents=True, exist_ok=True)
        box = mailbox.mbox(self.out / rel)
        for msg, sent in self.sales_messages():
            entry = mailbox.mboxMessage(msg)
            # An explicit From_ time: mailbox would otherwise stamp the current time.
            entry.set_from(msg["From"].addresses[0].addr_spec, sent.timetuple())
            box.add(entry)
        box.close()
        self.write(rel, (self.out / rel).read_bytes())

    def backups(self) -> None:
        """Write an off-site CRM backup that, contrary to the notice, is an unencrypted zip."""
        rel = "backups/crm-backup-2025-11.zip"
        member = "crm/crm_export.csv"
        self.clock += timedelta(hours=1)
        info = zipfile.ZipInfo(member, self.clock.timetuple()[:6])
        info.compress_type = zipfile.ZIP_DEFLATED
        path = self.out / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(path, "w") as zf:
            zf.writestr(info, self.crm_csv)
        self.write(rel, path.read_bytes())
        self.rec.copy_into("crm/crm_export.csv", rel, f"#{member}")

    def build(self) -> list[dict[str, str | None]]:
        """Write every store in a fixed order and return the manifest rows."""
        for store in (self.accounts, self.crm, self.marketing, self.engineering, self.hr):
            store()
        self.mail()
        self.backups()
        for folder in sorted(self.out.rglob("*"), reverse=True):
            if folder.is_dir():
                os.utime(folder, (FOLDERS_MTIME.timestamp(), FOLDERS_MTIME.timestamp()))
        return self.rec.as_json()


def wipe(out: Path) -> None:
    """Remove a previous estate; refuse a folder holding anything this script did not make."""
    if not out.exists():
        return
    strangers = sorted(p.name for p in out.iterdir() if p.name not in FOLDERS)
    if strangers:
        raise SystemExit(
            f"make_estate: refusing to wipe {out}: it holds {', '.join(strangers[:3])}, which "
            "this script did not make; pass --out a new or empty folder"
        )
    shutil.rmtree(out)


def main(argv: Sequence[str] | None = None) -> int:
    """Generate the demo estate and its manifest (OUT.manifest.json next to OUT)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    default = Path(__file__).resolve().parent / "estate"
    parser.add_argument("--out", type=Path, default=default, help="estate folder (wiped first)")
    args = parser.parse_args(argv)
    out: Path = args.out.resolve()
    wipe(out)
    out.mkdir(parents=True)
    entries = Estate(out).build()
    manifest = out.with_name(out.name + ".manifest.json")
    manifest.write_text(json.dumps(entries, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    files = sum(1 for p in out.rglob("*") if p.is_file())
    print(f"wrote {files} files to {out} and {len(entries)} manifest entries to {manifest}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
