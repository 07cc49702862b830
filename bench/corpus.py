"""A labelled, deterministic corpus of UK business documents for the quality (and speed) benches.

Values come from Faker `en_GB` plus generators for identifiers Faker lacks or gets wrong (valid
NINO prefixes, NHS mod-11, DVLA licence layout, GB VAT check digits). Every template mixes true
personal data with traps that must NOT be reported: part numbers, serials (some Luhn-valid),
invoice and PO numbers, version strings, companies that look like people, cities, dates that
are not birthdays, durations. Documents are already extracted into the segments a real
extractor yields (prose as TextSegment with locations like `paragraph 3`/`header:From`/`page 1`,
csv/xlsx as TableSegment), so the bench measures the detector, not the extractors.

Labels: `Gold(doc, location, start, end, entity)`; offsets into the segment text or the cell.
The corpus is cached as JSON under bench/.cache/ keyed by (size, seed, CORPUS_VERSION).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from faker import Faker
from stdnum.gb import vat as gb_vat

from scanner.extract.base import TableSegment, TextSegment

CORPUS_VERSION = 6
CACHE = Path(__file__).parent / ".cache"


@dataclass(frozen=True)
class Gold:
    """One labelled value."""

    doc: str
    location: str
    start: int
    end: int
    entity: str


@dataclass
class Document:
    """One item: its format, its segments, and its labels."""

    id: str
    kind: str
    fmt: str
    segments: list[TextSegment | TableSegment] = field(default_factory=list)
    gold: list[Gold] = field(default_factory=list)


class Text:
    """Builds a text segment while recording the spans of labelled values."""

    def __init__(self) -> None:
        """Return a random   init  ."""
        self.parts: list[str] = []
        self.size = 0
        self.spans: list[tuple[int, int, str]] = []

    def add(self, s: str) -> Text:
        """Append plain text."""
        self.parts.append(s)
        self.size += len(s)
        return self

    def ent(self, entity: str, value: str) -> Text:
        """Append a labelled value."""
        self.spans.append((self.size, self.size + len(value), entity))
        return self.add(value)

    def address(self, v: Address, sep: str = ", ") -> Text:
        """Full address labelled ADDRESS, its postcode also UK_POSTCODE."""
        line = sep.join([v.street, *v.localities])
        start = self.size
        self.add(line + sep)
        self.spans.append((self.size, self.size + len(v.postcode), "UK_POSTCODE"))
        self.add(v.postcode)
        self.spans.append((start, self.size, "ADDRESS"))
        return self


@dataclass
class Address:
    """A UK address as parts."""

    street: str
    localities: list[str]
    postcode: str


_SUFFIXES = [
    "Road",
    "Street",
    "Lane",
    "Avenue",
    "Close",
    "Drive",
    "Way",
    "Crescent",
    "Gardens",
    "Court",
    "Place",
    "Terrace",
    "Grove",
    "Hill",
    "Park",
    "Mews",
    "Row",
    "Square",
    "Walk",
]
_AREAS_OK = None
_CONDITIONS_KNOWN = [
    "type 2 diabetes",
    "asthma",
    "epilepsy",
    "depression",
    "anxiety",
    "multiple sclerosis",
    "breast cancer",
    "chemotherapy",
    "arthritis",
    "migraines",
    "back pain",
    "long covid",
    "dyslexia",
    "hypertension",
    "a heart attack",
    "Crohn's disease",
    "insulin",
    "antidepressants",
    "physiotherapy",
    "pregnancy",
]
_CONDITIONS_UNSEEN = ["gout", "sciatica", "tinnitus", "shingles", "glandular fever", "vertigo"]
_COMPANY_TRAPS = [
    "Johnson Matthey",
    "Marks and Spencer",
    "John Lewis",
    "Rolls-Royce",
    "Morgan Stanley",
    "Taylor Wimpey",
    "Ted Baker",
    "Smith & Nephew",
]
_CITIES = ["Manchester", "Leeds", "Rotterdam", "Bristol", "Glasgow", "Cardiff", "Dublin"]


class Gen:
    """Deterministic value generators."""

    def __init__(self, seed: int) -> None:
        """Return a random   init  ."""
        self.r = random.Random(seed)
        self.f = Faker("en_GB")
        self.f.seed_instance(seed)
        self.de, self.fr, self.nl = Faker("de_DE"), Faker("fr_FR"), Faker("nl_NL")
        for i, fk in enumerate((self.de, self.fr, self.nl)):
            fk.seed_instance(seed + i + 1)

    def name(self) -> str:
        """Return a random name."""
        return f"{self.f.first_name()} {self.f.last_name()}"

    def postcode(self) -> str:
        """Return a random postcode."""
        from detectors.address import postcode_ok  # the corpus keeps only PAF-format postcodes

        while True:
            p = self.f.postcode()
            if postcode_ok(p):
                return p

    def address(self) -> Address:
        """Return a random address."""
        street = f"{self.r.randint(1, 240)} {self.f.last_name()} {self.r.choice(_SUFFIXES)}"
        if self.r.random() < 0.2:
            street = f"Flat {self.r.randint(1, 40)}, {street}"
        locs = [self.f.city()] + ([self.f.county()] if self.r.random() < 0.4 else [])
        return Address(street, locs, self.postcode())

    def phone(self) -> str:
        """Return a random phone."""
        p = self.f.phone_number() if self.r.random() < 0.5 else self.f.cellphone_number()
        return p

    def email(self, name: str | None = None) -> str:
        """Return a random email."""
        if name and self.r.random() < 0.7:
            first, _, last = name.lower().partition(" ")
            return f"{first}.{last.replace(' ', '')}@{self.f.free_email_domain()}".replace("'", "")
        return self.f.email()

    def iban(self) -> str:
        """Return a random iban."""
        v = self.f.iban()
        if self.r.random() < 0.6:
            v = " ".join(v[i : i + 4] for i in range(0, len(v), 4))
        return v

    def sort_code(self) -> str:
        """Return a random sort code."""
        return "-".join(f"{self.r.randint(0, 99):02d}" for _ in range(3))

    def account(self) -> str:
        """Return a random account."""
        return f"{self.r.randint(10_000_000, 99_999_999)}"

    def vat(self) -> str:
        """Return a random vat."""
        while True:
            n = f"{self.r.randint(100_000_000, 999_999_999)}"
            if gb_vat.is_valid(n):
                return self.r.choice([f"GB{n}", f"GB {n[:3]} {n[3:7]} {n[7:]}"])

    def card(self) -> str:
        """Return a random card."""
        kind = self.r.choice(["visa16", "mastercard", "amex", "visa16"])
        n = self.f.credit_card_number(kind)
        if self.r.random() < 0.6 and len(n) == 16:
            n = " ".join(n[i : i + 4] for i in range(0, 16, 4))
        return n

    def nino(self) -> str:
        """Return a random nino."""
        first = self.r.choice("ABCEGHJKLMNOPRSTWXYZ")
        second = self.r.choice("ABCEGHJKLMNPRSTWXYZ")
        if first + second in {"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"}:
            first = "A"
        d = f"{self.r.randint(0, 999_999):06d}"
        suffix = self.r.choice("ABCD")
        if self.r.random() < 0.5:
            return f"{first}{second} {d[:2]} {d[2:4]} {d[4:]} {suffix}"
        return f"{first}{second}{d}{suffix}"

    def nhs(self) -> str:
        """Return a random nhs."""
        while True:
            d = [self.r.randint(0, 9) for _ in range(9)]
            check = 11 - sum(x * w for x, w in zip(d, range(10, 1, -1), strict=True)) % 11
            check = 0 if check == 11 else check
            if check != 10:
                s = "".join(map(str, d)) + str(check)
                return f"{s[:3]} {s[3:6]} {s[6:]}" if self.r.random() < 0.7 else s

    def passport(self) -> str:
        """Return a random passport."""
        return f"{self.r.randint(100_000_000, 999_999_999)}"

    def licence(self, name: str) -> str:
        """Return a random licence."""
        last = "".join(c for c in name.split()[-1].upper() if c.isalpha())[:5].ljust(5, "9")
        dob = self.f.date_of_birth(minimum_age=18, maximum_age=80)
        month = dob.month + (50 if self.r.random() < 0.5 else 0)
        initials = (name[0] + "9").upper()
        check = self.r.choice("ABCDEFGHJK") + self.r.choice("ABCDEFGHJK")
        year = str(dob.year)
        return f"{last}{year[2]}{month:02d}{dob.day:02d}{year[3]}{initials}9{check}"

    def dob(self) -> str:
        """Return a random dob."""
        d = self.f.date_of_birth(minimum_age=18, maximum_age=85)
        fmt = self.r.choice(["%d/%m/%Y", "%d/%m/%Y", "%Y-%m-%d", "%-d %B %Y", "%d.%m.%Y"])
        return d.strftime(fmt)

    def other_date(self) -> str:
        """Return a random other date."""
        d = self.f.date_between(start_date="-3y", end_date="+1y")
        return d.strftime(self.r.choice(["%d/%m/%Y", "%-d %B %Y", "%Y-%m-%d"]))

    def eu_vat(self, country: str) -> str:
        """Return a random eu vat."""
        from stdnum.eu import vat as eu_vat

        while True:
            body = {
                "DE": f"{self.r.randint(10**8, 10**9 - 1)}",
                "FR": f"{self.r.randint(10, 99)}{self.r.randint(10**8, 10**9 - 1)}",
                "NL": f"{self.r.randint(10**8, 10**9 - 1)}B{self.r.randint(1, 99):02d}",
            }[country]
            if eu_vat.is_valid(country + body):
                return country + body

    def eu_phone(self, country: str) -> str:
        """Return a random eu phone."""
        r = self.r
        return {
            "DE": f"+49 30 {r.randint(1000000, 9999999)}",
            "FR": "+33 1 " + " ".join(f"{r.randint(10, 99)}" for _ in range(4)),
            "NL": f"+31 20 {r.randint(100, 999)} {r.randint(1000, 9999)}",
        }[country]

    def ip(self) -> str:
        """Return a random ip."""
        return self.f.ipv4_public() if self.r.random() < 0.85 else self.f.ipv6()

    def condition(self) -> str:
        """Return a random condition."""
        if self.r.random() < 0.12:
            return self.r.choice(_CONDITIONS_UNSEEN)
        return self.r.choice(_CONDITIONS_KNOWN)

    # Traps: shapes that must not be reported.
    def part_number(self) -> str:
        """Return a random part number."""
        r = self.r
        return r.choice(
            [
                f"PN-{r.randint(1000, 9999)}-{r.randint(1000, 9999)}-{r.randint(10, 99)}",
                f"{r.randint(100, 999)}-{r.randint(1000, 9999)}-{r.randint(100, 999)}",
                f"A{r.randint(10000, 99999)}-{r.choice('ABC')}{r.randint(10, 99)}",
            ]
        )

    def serial(self) -> str:
        """Return a random serial."""
        # A Luhn-valid 16-digit serial starting like a Visa: only context can save it.
        digits = [4] + [self.r.randint(0, 9) for _ in range(14)]
        total = 0
        for i, d in enumerate(reversed(digits)):
            total += (d * 2 - 9 if d > 4 else d * 2) if i % 2 == 0 else d
        return "".join(map(str, digits)) + str((10 - total % 10) % 10)

    def invoice(self) -> str:
        """Return a random invoice."""
        return f"INV-{self.r.randint(2019, 2025)}-{self.r.randint(0, 999999):06d}"

    def version(self) -> str:
        """Return a random version."""
        r = self.r
        return f"{r.randint(1, 12)}.{r.randint(0, 9)}.{r.randint(0, 30)}.{r.randint(0, 9)}"

    def company(self) -> str:
        """Return a random company."""
        if self.r.random() < 0.5:
            return self.r.choice(_COMPANY_TRAPS)
        return f"{self.f.last_name()} {self.r.choice(['Ltd', 'plc', 'LLP', 'Group'])}"


def _text(doc: Document, location: str, t: Text) -> None:
    doc.segments.append(TextSegment(location, "".join(t.parts)))
    doc.gold.extend(Gold(doc.id, location, a, b, e) for a, b, e in t.spans)


def _table(
    doc: Document, location: str, header: list[str], rows: list[list[tuple[str, Any]]]
) -> None:
    from scanner.extract.base import column_letter

    seg = TableSegment(location, tuple(header), [[v for v, _ in row] for row in rows])
    doc.segments.append(seg)
    for ri, row in enumerate(rows):
        for ci, (value, entity) in enumerate(row):
            if isinstance(entity, tuple):  # (entity, start, end) inside a longer cell
                cell = f"{column_letter(ci)}{seg.first_row + ri}"
                loc = f"{location}!{cell}" if location else cell
                doc.gold.append(Gold(doc.id, loc, entity[1], entity[2], entity[0]))
            elif entity and value:
                cell = f"{column_letter(ci)}{seg.first_row + ri}"
                loc = f"{location}!{cell}" if location else cell
                doc.gold.append(Gold(doc.id, loc, 0, len(value), entity))
                if entity == "ADDRESS":
                    pc = value.rsplit(", ", 1)[-1]
                    doc.gold.append(
                        Gold(doc.id, loc, len(value) - len(pc), len(value), "UK_POSTCODE")
                    )
