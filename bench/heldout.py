"""Held-out templates: written after the detectors were tuned, and never tuned on since.

The main corpus (bench/templates.py) was used while developing the recognizers, so its scores
are in-sample. These templates use other wording, other headers and other layouts for the
same entities, so their scores say how the detectors generalise. Do not tune on them: when a
miss here is fixed, move the template to bench/templates.py and write a new held-out one.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from bench.corpus import CACHE, CORPUS_VERSION, Document, Gen, Text, _table, _text
from bench.templates import _from_json, _to_json


def complaint(g: Gen, doc: Document) -> None:
    name, a = g.name(), g.address()
    t = (
        Text()
        .add("To whom it may concern,\n\nMy name is ")
        .ent("PERSON", name)
        .add(" and I live at ")
    )
    t.address(a, sep=" ").add(". I was charged twice on my card (").ent("CREDIT_CARD", g.card())
    t.add(
        f") for order {g.r.randint(100, 999)}-{g.r.randint(1000, 9999)}-{g.r.randint(100, 999)}. "
    )
    t.add("You can reach me on ").ent("PHONE_NUMBER", g.phone()).add(" or at ")
    t.ent("EMAIL_ADDRESS", g.email(name)).add(". My date of birth is ").ent(
        "DATE_OF_BIRTH", g.dob()
    )
    t.add(f" if you need it. Ticket #{g.r.randint(10000, 99999)} was closed without reply.")
    t.add("\n\nRegards\n").ent("PERSON", name).add("\n")
    _text(doc, "paragraph 1", t)


def handover(g: Gen, doc: Document) -> None:
    t = Text().add(f"Ward 7 handover {g.r.randint(7, 20)}:30\n\n")
    for bed in range(1, g.r.randint(3, 5)):
        t.add(f"Bed {bed}: ").ent("PERSON", g.name()).add(f" ({g.r.randint(20, 90)}y), NHS ")
        t.ent("UK_NHS", g.nhs()).add(", admitted with ").ent("HEALTH", g.condition())
        t.add("; next of kin ").ent("PERSON", g.name()).add(" on ").ent(
            "PHONE_NUMBER", g.phone()
        ).add(".\n")
    _text(doc, "page 1", t)


def ticket(g: Gen, doc: Document) -> None:
    name = g.name()
    t = Text().add("User ").ent("PERSON", name).add(" (").ent("EMAIL_ADDRESS", g.email(name))
    t.add(") reports the VPN dropping from ").ent("IP_ADDRESS", g.ip())
    t.add(f"; laptop S/N {g.serial()}, build {g.version()}, IMEI 356938035643809. ")
    t.add(f"Call back on ext {g.r.randint(1000, 9999)} or ").ent("PHONE_NUMBER", g.phone()).add(
        ".\n"
    )
    _text(doc, "body", t)


def bank_form(g: Gen, doc: Document) -> None:
    header = ["Payee", "Sort Code", "Acc No.", "IBAN (EU)", "Amount", "Value date", "Ref"]
    rows = []
    for _ in range(g.r.randint(4, 15)):
        fk = g.r.choice([g.de, g.fr, g.nl])
        rows.append(
            [
                (g.name(), "PERSON"),
                (g.sort_code(), "UK_SORT_CODE"),
                (g.account(), "UK_BANK_ACCOUNT"),
                (fk.iban(), "IBAN_CODE"),
                (f"£{g.r.randint(10, 9999)}.00", None),
                (g.other_date(), None),
                (g.invoice(), None),
            ]
        )
    _table(doc, "Payments", header, rows)


def hr_sheet(g: Gen, doc: Document) -> None:
    header = [
        "Forename",
        "Family name",
        "D.O.B.",
        "NINo",
        "Mobile No",
        "Home Post Code",
        "Emergency contact",
        "Medical conditions",
    ]
    rows = []
    for _ in range(g.r.randint(4, 15)):
        med = g.r.random() < 0.4
        cond = g.condition()
        rows.append(
            [
                (g.f.first_name(), "PERSON"),
                (g.f.last_name(), "PERSON"),
                (g.dob(), "DATE_OF_BIRTH"),
                (g.nino(), "UK_NINO"),
                (g.phone(), "PHONE_NUMBER"),
                (g.postcode(), "UK_POSTCODE"),
                (g.name(), "PERSON"),
                (cond if med else "None", "HEALTH" if med else None),
            ]
        )
    _table(doc, "", header, rows)


def delegates(g: Gen, doc: Document) -> None:
    header = ["Delegate", "Company", "Dietary requirements", "Badge no"]
    rows = []
    for _ in range(g.r.randint(4, 15)):
        rows.append(
            [
                (g.name(), "PERSON"),
                (g.company(), None),
                (g.r.choice(["vegetarian", "none", "halal", "vegan"]), None),
                (f"{g.r.randint(10_000_000, 99_999_999)}", None),
            ]
        )
    _table(doc, "Delegates", header, rows)


HELDOUT: dict[str, Callable[[Gen, Document], None]] = {
    "complaint": complaint,
    "handover": handover,
    "ticket": ticket,
    "bank_form": bank_form,
    "hr_sheet": hr_sheet,
    "delegates": delegates,
}


def load_heldout(n: int = 120, seed: int = 11) -> list[Document]:
    """Load the held-out corpus, cached like the main one."""
    path = CACHE / f"heldout-v{CORPUS_VERSION}-{n}-{seed}.json"
    if path.exists():
        return [_from_json(d) for d in json.loads(path.read_text())]
    g = Gen(seed)
    kinds = list(HELDOUT)
    docs = []
    for i in range(n):
        kind = kinds[i % len(kinds)]
        doc = Document(id=f"h{i:04d}", kind=kind, fmt="mixed")
        HELDOUT[kind](g, doc)
        docs.append(doc)
    CACHE.mkdir(parents=True, exist_ok=True)
    data: list[dict[str, Any]] = [_to_json(d) for d in docs]
    path.write_text(json.dumps(data))
    return docs
