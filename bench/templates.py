"""Document templates for the labelled corpus: prose kinds and table kinds, each with traps."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict
from typing import Any

from bench.corpus import CACHE, CORPUS_VERSION, Document, Gen, Gold, Text, _table, _text
from scanner.extract.base import TableSegment, TextSegment


def letter(g: Gen, doc: Document) -> None:
    name, sender = g.name(), g.name()
    title = g.r.choice(["Mr", "Mrs", "Ms", "Dr", ""])
    t = Text().add(f"{g.company()}\n{g.f.city()}\n\n{g.other_date()}\n\n")
    t.add(f"Dear {title + ' ' if title else ''}").ent("PERSON", name).add(",\n\n")
    t.add(f"Thank you for your letter about order {g.invoice()}. We have updated your details: ")
    t.add("your correspondence address is now ").address(g.address()).add(" and your phone ")
    t.add("number ").ent("PHONE_NUMBER", g.phone()).add(". ")
    if g.r.random() < 0.5:
        t.add("Our colleague ").ent("PERSON", g.name()).add(
            f" from the {g.r.choice(['Manchester', 'Leeds', 'Bristol'])} office "
        )
        t.add(f"will visit on 1 June; payment is due within 45 days of {g.other_date()}.\n\n")
    t.add(f"Please quote reference {g.part_number()} in any reply.\n\nYours sincerely,\n\n")
    t.ent("PERSON", sender).add(f"\nCustomer Services, {g.company()}\n")
    _text(doc, "page 1", t)


def hr_record(g: Gen, doc: Document) -> None:
    name = g.name()
    t = Text().add("Employee record\n\nName: ").ent("PERSON", name).add("\n")
    t.add("Date of birth: ").ent("DATE_OF_BIRTH", g.dob()).add("\n")
    t.add("NI number: ").ent("UK_NINO", g.nino()).add("\n")
    t.add("Home address: ").address(g.address()).add("\n")
    t.add("Mobile: ").ent("PHONE_NUMBER", g.phone()).add("\n")
    t.add("Personal email: ").ent("EMAIL_ADDRESS", g.email(name)).add("\n")
    t.add(f"Start date: {g.other_date()}\nProbation review: {g.other_date()}\n")
    t.add("Bank sort code ").ent("UK_SORT_CODE", g.sort_code()).add(", account number ")
    t.ent("UK_BANK_ACCOUNT", g.account()).add("\n\n")
    t.add("Notes: ").ent("PERSON", name.split()[0] + " " + name.split()[1]).add(
        " was diagnosed with "
    )
    t.ent("HEALTH", g.condition()).add(" last year and has a fit note from the GP. ")
    t.add(f"Line manager {g.r.choice(['agreed', 'noted'])} adjustments in Q3 with ").ent(
        "PERSON", g.name()
    ).add(".\n")
    _text(doc, "paragraph 1", t)


def email(g: Gen, doc: Document) -> None:
    sender, to = g.name(), g.name()
    sender_mail = g.email(sender)
    h = Text().ent("PERSON", sender).add(" <").ent("EMAIL_ADDRESS", sender_mail).add(">")
    _text(doc, "header:From", h)
    h = Text().ent("PERSON", to).add(" <").ent("EMAIL_ADDRESS", g.email(to)).add(">")
    _text(doc, "header:To", h)
    _text(doc, "subject", Text().add(f"Re: {g.invoice()} and release {g.version()}"))
    t = Text().add("Hi ").ent("PERSON", to.split()[0]).add(",\n\n")
    t.add(f"The {g.company()} account was accessed from ").ent("IP_ADDRESS", g.ip())
    t.add(f" yesterday after the upgrade to version {g.version()}. ")
    t.add("Can you ring me on ").ent("PHONE_NUMBER", g.phone()).add(" before the Q3 review? ")
    t.add(f"The asset tag on the laptop is {g.part_number()} and serial number {g.serial()}.\n\n")
    if g.r.random() < 0.4:
        t.add(f"PS the {g.r.choice(['market', 'Great'])} depression chart is in the deck; ")
        t.add("we are running for Cancer Research UK again.\n")
    t.add("Thanks,\n").ent("PERSON", sender).add("\n")
    _text(doc, "body", t)


def invoice(g: Gen, doc: Document) -> None:
    t = Text().add(f"INVOICE {g.invoice()}\nSupplier: {g.company()}\nCustomer: {g.company()}\n")
    t.add(f"PO number: PO-{g.r.randint(10000, 99999)}\nInvoice date: {g.other_date()}\n")
    t.add(f"Item: part {g.part_number()}, serial {g.serial()}, firmware {g.version()}\n")
    t.add("VAT registration: ").ent("VAT_NUMBER", g.vat()).add("\n")
    t.add("Pay by transfer to IBAN ").ent("IBAN_CODE", g.iban()).add("\n")
    t.add("or sort code ").ent("UK_SORT_CODE", g.sort_code()).add(" account ").ent(
        "UK_BANK_ACCOUNT", g.account()
    )
    t.add(f"\nTerms: 45 days. Due {g.other_date()}. Contact ").ent("PERSON", g.name()).add(" on ")
    t.ent("PHONE_NUMBER", g.phone()).add(".\n")
    _text(doc, "page 1", t)


def patient(g: Gen, doc: Document) -> None:
    name = g.name()
    t = Text().add("Referral letter\n\nPatient: ").ent("PERSON", name).add("\n")
    t.add("NHS number: ").ent("UK_NHS", g.nhs()).add("\nDOB: ").ent("DATE_OF_BIRTH", g.dob()).add(
        "\n"
    )
    t.add("Address: ").address(g.address(), sep="\n").add("\n\n")
    t.add("The patient has a history of ").ent("HEALTH", g.condition()).add(" and is currently ")
    t.add("prescribed treatment for ").ent("HEALTH", g.condition()).add(". ")
    t.add(f"Seen in clinic on {g.other_date()}; review in 6 weeks. ")
    t.add("Please call the ward on ").ent("PHONE_NUMBER", g.phone()).add(".\n\nDr ").ent(
        "PERSON", g.name()
    ).add("\n")
    _text(doc, "page 1", t)


def travel(g: Gen, doc: Document) -> None:
    name = g.name()
    t = Text().add("Right to work / travel check\n\n").ent("PERSON", name).add(" presented ")
    t.add("passport number ").ent("UK_PASSPORT", g.passport()).add(f" (expires {g.other_date()}) ")
    t.add("and driving licence ").ent("UK_DRIVING_LICENCE", g.licence(name)).add(". ")
    t.add("Date of birth ").ent("DATE_OF_BIRTH", g.dob()).add(". ")
    t.add(f"Checked by {g.r.choice(['HR', 'the office manager'])} on {g.other_date()}. ")
    t.add(f"Booking {g.invoice()} for the {g.r.choice(['Rotterdam', 'Dublin'])} trip, ")
    t.add("card ").ent("CREDIT_CARD", g.card()).add(" charged.\n")
    _text(doc, "paragraph 1", t)


def it_log(g: Gen, doc: Document) -> None:
    t = Text()
    for _ in range(g.r.randint(4, 9)):
        r = g.r
        ts = f"2024-0{r.randint(1, 9)}-1{r.randint(0, 9)}T0{r.randint(0, 9)}:1{r.randint(0, 9)}:00Z"
        roll = g.r.random()
        if roll < 0.4:
            t.add(f"{ts} login ok user=").ent("EMAIL_ADDRESS", g.email()).add(" src=").ent(
                "IP_ADDRESS", g.ip()
            ).add("\n")
        elif roll < 0.7:
            t.add(f"{ts} agent version {g.version()} build {g.r.randint(1000, 9999)} installed\n")
        else:
            t.add(f"{ts} job {g.invoice()} finished in {g.r.randint(1, 900)} ms\n")
    _text(doc, "line 1", t)


def meeting(g: Gen, doc: Document) -> None:
    """Traps only, plus one attendee: companies, cities, quarters, non-birth dates."""
    t = Text().add(f"Minutes - {g.other_date()}\n\nAttendees: ").ent("PERSON", g.name()).add(", ")
    t.ent("PERSON", g.name()).add("\n\n")
    t.add(
        f"1. {g.r.choice(['Johnson Matthey', 'Marks and Spencer', 'Rolls-Royce'])} renewal: "
        f"price review in Q3, notice period 45 days from 1 June.\n"
    )
    t.add(
        f"2. {g.r.choice(['Manchester', 'Leeds', 'Rotterdam'])} warehouse: stock of part "
        f"{g.part_number()} low; order {g.invoice()} placed {g.other_date()}.\n"
    )
    t.add(f"3. Release {g.version()} of the portal goes live on {g.other_date()}.\n")
    t.add(f"4. {g.company()} and {g.company()} have been shortlisted.\n")
    t.add("5. Stress test of the server passed; the market depression is easing.\n")
    _text(doc, "paragraph 1", t)


def payments_table(g: Gen, doc: Document, loc: str = "") -> None:
    header = ["Customer", "Email", "Card number", "Expiry", "Sort code", "Account number", "IBAN"]
    rows = []
    for _ in range(g.r.randint(5, 25)):
        name = g.name()
        rows.append(
            [
                (name, "PERSON"),
                (g.email(name), "EMAIL_ADDRESS"),
                (g.card(), "CREDIT_CARD"),
                (f"{g.r.randint(1, 12):02d}/{g.r.randint(25, 30)}", None),
                (g.sort_code(), "UK_SORT_CODE"),
                (g.account(), "UK_BANK_ACCOUNT"),
                (g.iban(), "IBAN_CODE"),
            ]
        )
    _table(doc, loc, header, rows)


def staff_table(g: Gen, doc: Document, loc: str = "Staff") -> None:
    header = [
        "Employee ID",
        "First name",
        "Surname",
        "DOB",
        "NI number",
        "Phone",
        "Postcode",
        "Start date",
        "Health notes",
    ]
    rows = []
    for i in range(g.r.randint(5, 30)):
        note = (g.r.choice(["Diagnosed with ", "Ongoing treatment for "]) + g.condition(), "")
        health = g.r.random() < 0.3
        cond = g.condition()
        rows.append(
            [
                (f"E{1000 + i}", None),
                (g.f.first_name(), "PERSON"),
                (g.f.last_name(), "PERSON"),
                (g.dob(), "DATE_OF_BIRTH"),
                (g.nino(), "UK_NINO"),
                (g.phone(), "PHONE_NUMBER"),
                (g.postcode(), "UK_POSTCODE"),
                (g.other_date(), None),
                (cond if health else "", "HEALTH" if health else None),
            ]
        )
        del note
    _table(doc, loc, header, rows)


def asset_table(g: Gen, doc: Document, loc: str = "Assets") -> None:
    """Traps: serials, part numbers, model numbers; one true column (the owner)."""
    header = [
        "Asset tag",
        "Serial",
        "Part number",
        "Model",
        "Purchased",
        "Location",
        "Owner",
        "Firmware",
    ]
    rows = []
    for _ in range(g.r.randint(5, 30)):
        rows.append(
            [
                (f"AT-{g.r.randint(10000, 99999)}", None),
                (g.serial(), None),
                (g.part_number(), None),
                (f"{g.r.choice(['XPS', 'T14', 'EliteBook'])} {g.r.randint(10, 99)}", None),
                (g.other_date(), None),
                (g.r.choice(["Manchester", "Leeds", "Bristol", "Glasgow"]), None),
                (g.name(), "PERSON"),
                (g.version(), None),
            ]
        )
    _table(doc, loc, header, rows)


def customer_table(g: Gen, doc: Document, loc: str = "") -> None:
    header = [
        "Full name",
        "Address",
        "Phone",
        "Email",
        "Passport",
        "Driving licence",
        "Date of birth",
        "Last order",
    ]
    rows = []
    for _ in range(g.r.randint(5, 25)):
        name, a = g.name(), g.address()
        rows.append(
            [
                (name, "PERSON"),
                (", ".join([a.street, *a.localities, a.postcode]), "ADDRESS"),
                (g.phone(), "PHONE_NUMBER"),
                (g.email(name), "EMAIL_ADDRESS"),
                (g.passport(), "UK_PASSPORT"),
                (g.licence(name), "UK_DRIVING_LICENCE"),
                (g.dob(), "DATE_OF_BIRTH"),
                (g.other_date(), None),
            ]
        )
    _table(doc, loc, header, rows)


def suppliers_table(g: Gen, doc: Document, loc: str = "Suppliers") -> None:
    """Traps: company names and VAT numbers (true) next to PO numbers and invoice dates."""
    header = ["Supplier", "VAT number", "PO", "Invoice", "Invoice date", "Amount", "City"]
    rows = []
    for _ in range(g.r.randint(5, 20)):
        rows.append(
            [
                (g.company(), None),
                (g.vat(), "VAT_NUMBER"),
                (f"PO-{g.r.randint(10000, 99999)}", None),
                (g.invoice(), None),
                (g.other_date(), None),
                (f"{g.r.randint(100, 99999)}.{g.r.randint(10, 99)}", None),
                (g.r.choice(["Manchester", "Rotterdam", "Leeds"]), None),
            ]
        )
    _table(doc, loc, header, rows)


def chat(g: Gen, doc: Document) -> None:
    """Loose phrasing: cues that are not the canonical labels, values without any cue."""
    a, b = g.name(), g.name()
    t = Text().add("[09:14] ").ent("PERSON", a).add(": morning! can you add our new starter ")
    t.ent("PERSON", b).add(" to payroll? ")
    roll = g.r.random()
    if roll < 0.33:
        t.ent("PERSON", b.split()[0]).add(" was born ").ent("DATE_OF_BIRTH", g.dob()).add(", NI ")
        t.ent("UK_NINO", g.nino()).add(".\n")
    elif roll < 0.66:
        t.add("details: ").ent("EMAIL_ADDRESS", g.email(b)).add(" / ").ent(
            "PHONE_NUMBER", g.phone()
        )
        t.add(f" - starts {g.other_date()}\n")
    else:
        t.add("bank is ").ent("UK_SORT_CODE", g.sort_code()).add(" ").ent(
            "UK_BANK_ACCOUNT", g.account()
        )
        t.add(f" (we pay on the {g.r.randint(1, 28)}th)\n")
    t.add("[09:20] ").ent("PERSON", b.split()[0]).add(": thanks - btw I'm off next week, ")
    t.add(g.r.choice(["signed off with ", "still recovering from ", "having treatment for "]))
    t.ent("HEALTH", g.condition()).add(f". Ticket {g.invoice()} is yours.\n")
    t.add("[09:31] ").ent("PERSON", a.split()[0]).add(
        f": ok, laptop {g.part_number()} is on version {g.version()}\n"
    )
    _text(doc, "body", t)


def signature(g: Gen, doc: Document) -> None:
    """E-mail footers and contact lists: values side by side with terse or no labels."""
    t = Text()
    for _ in range(g.r.randint(2, 5)):
        name = g.name()
        t.ent("PERSON", name).add(
            f" | {g.r.choice(['Head of Finance', 'Account Manager', 'HR Advisor'])} | "
        )
        t.add(g.r.choice(["t: ", "", "T ", "Direct: "])).ent("PHONE_NUMBER", g.phone()).add(" | ")
        t.ent("EMAIL_ADDRESS", g.email(name)).add("\n")
        if g.r.random() < 0.4:
            a = g.address()
            t.address(a, sep=" ").add("\n")
    t.add(f"{g.company()}, registered in England No. {g.r.randint(1000000, 9999999)}. VAT ")
    t.ent("VAT_NUMBER", g.vat()).add(f". Ref {g.part_number()}\n")
    _text(doc, "body", t)


def eu_invoice(g: Gen, doc: Document) -> None:
    """Continental counterparts: EU IBANs, VAT numbers and phone numbers."""
    country, fk = g.r.choice([("DE", g.de), ("FR", g.fr), ("NL", g.nl)])
    t = Text().add(f"Rechnung / Invoice {g.invoice()}\nSupplier {g.company()}, {fk.city()}\n")
    t.add("USt-IdNr / VAT: ").ent("VAT_NUMBER", g.eu_vat(country)).add("\n")
    t.add("IBAN: ").ent("IBAN_CODE", fk.iban()).add(
        f"  BIC {g.r.choice(['DEUTDEFF', 'BNPAFRPP', 'INGBNL2A'])}\n"
    )
    t.add("Contact: ").ent("PERSON", fk.name()).add(", tel ").ent(
        "PHONE_NUMBER", g.eu_phone(country)
    ).add("\n")
    t.add(f"Lieferung {g.other_date()}, Artikel {g.part_number()}, Menge {g.r.randint(1, 99)}\n")
    _text(doc, "page 1", t)


def hr_export(g: Gen, doc: Document, loc: str = "Export") -> None:
    """Add a system export: `SURNAME, First` names, terse headers, Luhn-valid order ids."""
    header = ["Employee", "Ref", "Birth", "Sort", "Acct", "Order ID", "Notes"]
    rows = []
    for _ in range(g.r.randint(5, 25)):
        first, last = g.f.first_name(), g.f.last_name()
        name = g.r.choice([f"{last.upper()}, {first}", f"{last}, {first}", f"{first} {last}"])
        other = g.name()
        note_t = g.r.random()
        if note_t < 0.3:
            note, ent = f"Spoke to {other} about the rota", ("PERSON", 9, 9 + len(other))
        elif note_t < 0.5:
            cond = g.condition()
            note, ent = f"Absent - {cond}", ("HEALTH", 9, 9 + len(cond))
        else:
            note, ent = (
                f"Moved to cost centre {g.r.randint(100, 999)} in Q{g.r.randint(1, 4)}",
                None,
            )
        rows.append(
            [
                (name, "PERSON"),
                (g.nino(), "UK_NINO"),
                (g.dob(), "DATE_OF_BIRTH"),
                (g.sort_code(), "UK_SORT_CODE"),
                (g.account(), "UK_BANK_ACCOUNT"),
                (g.serial(), None),
                (note, ent),
            ]
        )
    _table(doc, loc, header, rows)


PROSE: dict[str, tuple[Callable[[Gen, Document], None], str]] = {
    "letter": (letter, "pdf"),
    "hr_record": (hr_record, "docx"),
    "email": (email, "eml"),
    "invoice": (invoice, "pdf"),
    "patient": (patient, "pdf"),
    "travel": (travel, "docx"),
    "it_log": (it_log, "txt"),
    "meeting": (meeting, "docx"),
    "chat": (chat, "txt"),
    "signature": (signature, "eml"),
    "eu_invoice": (eu_invoice, "pdf"),
}
TABLES: dict[str, tuple[Callable[..., None], str]] = {
    "payments": (payments_table, "csv"),
    "staff": (staff_table, "xlsx"),
    "assets": (asset_table, "xlsx"),
    "customers": (customer_table, "csv"),
    "suppliers": (suppliers_table, "xlsx"),
    "hr_export": (hr_export, "csv"),
}


def generate(n: int = 400, seed: int = 7) -> list[Document]:
    """Generate n documents, mostly prose, deterministic for (n, seed)."""
    g = Gen(seed)
    kinds = list(PROSE) * 7 + list(TABLES) * 5
    docs = []
    for i in range(n):
        kind = kinds[i % len(kinds)]
        fn, fmt = PROSE.get(kind) or TABLES[kind]
        doc = Document(id=f"d{i:04d}", kind=kind, fmt=fmt)
        fn(g, doc)
        docs.append(doc)
    return docs


def load(n: int = 400, seed: int = 7) -> list[Document]:
    """Load the corpus from bench/.cache/, generating it on first use."""
    path = CACHE / f"corpus-v{CORPUS_VERSION}-{n}-{seed}.json"
    if path.exists():
        return [_from_json(d) for d in json.loads(path.read_text())]
    docs = generate(n, seed)
    CACHE.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps([_to_json(d) for d in docs]))
    return docs


def _to_json(d: Document) -> dict[str, Any]:
    segs = [
        {"text": s.text, "location": s.location}
        if isinstance(s, TextSegment)
        else {"location": s.location, "header": list(s.header), "rows": [list(r) for r in s.rows]}
        for s in d.segments
    ]
    return {
        "id": d.id,
        "kind": d.kind,
        "fmt": d.fmt,
        "segments": segs,
        "gold": [asdict(x) for x in d.gold],
    }


def _from_json(raw: dict[str, Any]) -> Document:
    segs: list[TextSegment | TableSegment] = [
        TextSegment(s["location"], s["text"])
        if "text" in s
        else TableSegment(s["location"], tuple(s["header"]), [list(r) for r in s["rows"]])
        for s in raw["segments"]
    ]
    return Document(raw["id"], raw["kind"], raw["fmt"], segs, [Gold(**x) for x in raw["gold"]])
