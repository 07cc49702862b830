"""The words of bench/ordinary_corpus.py: people, companies, and business prose that varies.

The throughput corpus repeats a dozen sentences; a detector tuned on it learns the sentences.
Ordinary documents are letters, invoices, statements, minutes and mail, so this module writes
those from sentence banks per topic (a few hundred templates with slots filled from Faker and
from lists of products, places and amounts), in a random order and number each time. People come
from Faker in ten locales weighted like a UK business's customers and staff; their identifiers
from examples/estate_ids.py (valid checksums, ranges reserved for fiction: no real person).

Every personal value a builder writes goes through `Text.val`, which records (entity, category,
value) as it is written, so the truth cannot drift from the text.
"""

from __future__ import annotations

import random
import sys
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "examples"))
from estate_formats import CATEGORY  # noqa: E402
from estate_ids import LANDLINES, MOBILE, IdFactory  # noqa: E402

# Where a UK business's customers and staff come from, roughly; names keep their diacritics.
LOCALES = {
    "en_GB": 0.52, "en_IE": 0.08, "en_IN": 0.09, "pl_PL": 0.06, "fr_FR": 0.04, "de_DE": 0.04,
    "it_IT": 0.04, "es_ES": 0.04, "nl_NL": 0.03, "pt_PT": 0.03, "en_US": 0.03,
}  # fmt: skip
TITLES = ("Mr", "Mrs", "Ms", "Miss", "Dr")
Planted = list[tuple[str, str, str]]  # (entity, category, value)


@dataclass(frozen=True)
class Person:
    """A fictitious person: what a letter, invoice or HR form may hold about them."""

    first: str
    last: str
    title: str
    email: str
    phone: str
    mobile: str
    street: str
    town: str
    postcode: str
    dob: str
    nino: str
    nhs: str
    sort_code: str
    account: str
    iban: str
    card: str

    @property
    def name(self) -> str:
        """Forename and surname, as most documents write them."""
        return f"{self.first} {self.last}"


@dataclass(frozen=True)
class Company:
    """An organisation that writes documents (its details are not personal data)."""

    name: str
    street: str
    town: str
    postcode: str
    phone: str
    web: str
    vat: str


def _ascii(s: str) -> str:
    return "".join(
        c for c in unicodedata.normalize("NFKD", s) if c.isascii() and (c.isalnum() or c in ".-")
    )


class Cast:
    """Seeded people and companies, and the small values documents are made of."""

    def __init__(self, seed: int, people: int = 1200, companies: int = 80) -> None:
        from faker import Faker

        self.rng = random.Random(seed)
        self.ids = IdFactory(seed)
        self.fakers = {}
        for n, loc in enumerate(LOCALES):
            self.fakers[loc] = Faker(loc)
            self.fakers[loc].seed_instance(seed + n)
        self.uk = self.fakers["en_GB"]
        self.towns = sorted({self.uk.city() for _ in range(200)})
        self.people = [self._person() for _ in range(people)]
        self.companies = [self._company() for _ in range(companies)]

    def _person(self) -> Person:
        r = self.rng
        loc = r.choices(list(LOCALES), weights=list(LOCALES.values()))[0]
        f = self.fakers[loc]
        first, last = f.first_name(), f.last_name()
        user = r.choice(
            (f"{first}.{last}", f"{first[0]}.{last}", f"{first}{last}{r.randrange(1, 99)}",
             f"{last}.{first}", f"{first}_{last[0]}")
        ).lower()  # fmt: skip
        domain = r.choice(
            ("gmail.com", "hotmail.co.uk", "outlook.com", "yahoo.co.uk", "btinternet.com",
             "icloud.com", "example.co.uk", "sky.com", "virginmedia.com")
        )  # fmt: skip
        born = date(1942, 1, 1) + timedelta(days=r.randrange(365 * 62))
        house = r.choice((str(r.randrange(1, 220)), f"Flat {r.randrange(1, 40)},"))
        return Person(
            first=first,
            last=last,
            title=r.choice(TITLES),
            email=f"{_ascii(user)}@{domain}",
            phone=self.phone(mobile=False),
            mobile=self.phone(mobile=True),
            street=f"{house} {self.uk.street_name()}",
            town=r.choice(self.towns),
            postcode=self.ids.postcode(self.uk.postcode),
            dob=born.strftime(r.choice(("%d/%m/%Y", "%d %B %Y", "%d.%m.%Y"))),
            nino=self.ids.nino(spaced=r.random() < 0.4),
            nhs=self.ids.nhs(),
            sort_code=self.ids.sort_code(),
            account=self.ids.account_number(),
            iban=self.ids.iban("GB"),
            card=" ".join(self.ids.card()[i : i + 4] for i in (0, 4, 8, 12)),
        )

    def _company(self) -> Company:
        r = self.rng
        base = self.uk.last_name() if r.random() < 0.5 else r.choice(TRADE_WORDS)
        name = f"{base} {r.choice(SECTORS)} {r.choice(('Ltd', 'Limited', 'LLP', 'plc', '& Co'))}"
        slug = _ascii(base.lower()) + r.choice(("", "-group", "uk", "-ltd"))
        return Company(
            name=name,
            street=f"Unit {r.randrange(1, 30)}, {self.uk.street_name()}",
            town=r.choice(self.towns),
            postcode=self.ids.postcode(self.uk.postcode),
            phone=self.phone(mobile=False),
            web=f"www.{slug}.co.uk",
            vat=self.ids.vat(),
        )

    def phone(self, mobile: bool) -> str:
        """A drama-range number, national or +44; not unique (the ranges hold 7,000)."""
        national, intl = MOBILE if mobile else self.rng.choice(LANDLINES)
        return (intl if self.rng.random() < 0.12 else national) + self.ids.digits(3)

    def person(self) -> Person:
        """Someone from the cast."""
        return self.rng.choice(self.people)

    def company(self) -> Company:
        """An organisation from the cast."""
        return self.rng.choice(self.companies)

    def day(self, year: int = 2025) -> date:
        """A working day in `year`."""
        d = date(year, 1, 2) + timedelta(days=self.rng.randrange(360))
        return d - timedelta(days=max(0, d.weekday() - 4))

    def money(self, lo: float = 20, hi: float = 4000) -> str:
        """An amount in pounds as documents print it."""
        return f"£{self.rng.uniform(lo, hi):,.2f}"

    def ref(self) -> str:
        """A reference number in one of the shapes UK businesses use."""
        r = self.rng
        shapes = (
            f"INV-{r.randrange(10000, 99999)}",
            f"{r.choice('ABCDEFGHJK')}{r.randrange(1000, 9999)}/{r.randrange(20, 26)}",
            f"PO{r.randrange(100000, 999999)}",
            f"CS-{r.randrange(100, 999)}-{r.randrange(1000, 9999)}",
            f"JOB{r.randrange(1000, 9999)}",
        )
        return r.choice(shapes)

    def fill(self, template: str) -> str:
        """A template with its slots filled: no personal data, only business words."""
        r = self.rng
        slots = {
            "company": self.company().name,
            "product": r.choice(PRODUCTS),
            "service": r.choice(SERVICES),
            "town": r.choice(self.towns),
            "amount": self.money(),
            "n": str(r.randrange(2, 40)),
            "pct": str(r.choice((3, 5, 8, 10, 12, 15, 20))),
            "weekday": r.choice(("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")),
            "date": self.day().strftime(r.choice(("%d %B %Y", "%d/%m/%Y", "%-d %B"))),
            "month": r.choice(MONTHS),
            "ref": self.ref(),
            "dept": r.choice(DEPARTMENTS),
            "system": r.choice(SYSTEMS),
        }
        return template.format(**slots)

    def paragraph(self, topic: str, sentences: int) -> str:
        """`sentences` sentences of `topic`, no template twice, mixed with general ones."""
        return self.paragraphs(topic, [sentences])[0]

    def paragraphs(self, topic: str, sizes: list[int]) -> list[str]:
        """Paragraphs of the given sizes; no template appears twice in them."""
        bank = TOPICS[topic]
        picked = self.rng.sample(bank, min(sum(sizes), len(bank)))
        out = []
        for size in sizes:
            chosen, picked = picked[:size], picked[size:]
            if self.rng.random() < 0.4:
                chosen.insert(self.rng.randrange(len(chosen) + 1), self.rng.choice(GENERAL))
            if chosen:
                out.append(" ".join(self.fill(t) for t in chosen))
        return out


class Text:
    """Lines of a document plus what personal data they hold."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.planted: Planted = []

    def say(self, line: str = "") -> Text:
        """Append a line without personal data."""
        self.lines.append(line)
        return self

    def val(self, entity: str, value: str) -> str:
        """Record a personal value about to be written; return it for the f-string."""
        self.planted.append((entity, CATEGORY[entity], value))
        return value

    def text(self) -> str:
        """The document as plain text, paragraphs separated by blank lines."""
        return "\n".join(self.lines)

    def paragraphs(self) -> list[str]:
        """Blocks of lines separated by blank lines (for writers that lay out paragraphs)."""
        return [p for p in self.text().split("\n\n") if p.strip()]


TRADE_WORDS = (
    "Northgate", "Riverside", "Pennine", "Harbour", "Oakfield", "Castle", "Meridian", "Summit",
    "Brookside", "Kingsway", "Westfield", "Apex", "Beacon", "Thistle", "Wessex", "Redbrick",
)  # fmt: skip
SECTORS = (
    "Plumbing", "Lettings", "Accountants", "Dental Care", "Logistics", "Joinery", "Print",
    "Veterinary Practice", "Electrical", "Catering", "Estate Agents", "Insurance Brokers",
    "Solicitors", "Garage", "Cleaning Services", "IT Services", "Roofing", "Opticians",
)  # fmt: skip
PRODUCTS = (
    "combi boiler", "replacement windows", "annual service plan", "laptop", "office chairs",
    "roof repair", "MOT and service", "dental check-up", "cleaning contract", "printer toner",
    "catering for 40 guests", "kitchen refit", "fire alarm test", "tenancy renewal",
    "van hire", "payroll bureau service", "website hosting", "CCTV installation",
)  # fmt: skip
SERVICES = (
    "the annual gas safety check", "our managed IT support", "the quarterly bookkeeping",
    "the end of tenancy clean", "your home insurance policy", "the grounds maintenance contract",
    "the pest control visit", "the PAT testing", "our courier account", "the boiler cover",
)  # fmt: skip
MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)  # fmt: skip
DEPARTMENTS = ("Accounts", "Customer Services", "Human Resources", "Lettings", "Operations",
               "Sales", "Credit Control", "Facilities", "Payroll", "the Service Desk")  # fmt: skip
SYSTEMS = ("Xero", "Sage 50", "QuickBooks", "Microsoft 365", "the CRM", "SharePoint",
           "the booking system", "Salesforce", "the shared drive", "BrightPay")  # fmt: skip
GENERAL = (
    "Please do not hesitate to get in touch if anything is unclear.",
    "We appreciate your patience while this is resolved.",
    "A copy of this letter has been placed on file.",
    "Our office is open from 9am to 5pm, {weekday} to Friday.",
    "Further details are available on request from {dept}.",
    "This replaces any earlier correspondence on the matter.",
    "We will review the position again in {month}.",
    "Thank you for choosing {company}.",
    "All prices include VAT at 20% unless stated otherwise.",
    "The figures above were taken from {system} on {date}.",
)
TOPICS: dict[str, tuple[str, ...]] = {
    "complaint": (
        "Thank you for your letter about the {product} installed on {date}.",
        "I am sorry to hear that the work did not meet the standard you expected.",
        "Our engineer has reviewed the job sheet and agrees that a second visit is needed.",
        "We have arranged for the remedial work to be carried out free of charge.",
        "As a gesture of goodwill we have credited {amount} to your account.",
        "Your complaint has been logged under reference {ref}.",
        "If you remain unhappy you may refer the matter to the Ombudsman within eight weeks.",
        "The delay was caused by a supplier in {town} who could not deliver the parts in time.",
        "We have reminded the team of our procedures for leaving a site clean and safe.",
        "A manager from {dept} will call you within {n} working days.",
        "We accept that our call-back on {weekday} was later than promised.",
        "Enclosed is a copy of the original quotation for your records.",
    ),
    "payment": (
        "Our records show that invoice {ref} for {amount} remains unpaid.",
        "Payment was due on {date} under our standard 30-day terms.",
        "If you have already paid, please accept our thanks and disregard this reminder.",
        "You can pay by bank transfer, quoting the invoice number as the reference.",
        "Late payment may incur interest under the Late Payment of Commercial Debts Act.",
        "We would be happy to agree a payment plan over {n} months.",
        "Statements are issued on the first working day of each month.",
        "Please let {dept} know if any of the charges are disputed.",
        "The balance brought forward from {month} was {amount}.",
        "A further reminder will be sent in {n} days if the account is not settled.",
        "We have placed the account on hold until the balance is cleared.",
        "Direct debit collections are taken on or shortly after the {n}th of the month.",
    ),
    "tenancy": (
        "The tenancy at the property is due for renewal on {date}.",
        "The landlord has proposed a rent increase of {pct}% from the renewal date.",
        "The inventory check will take place on {weekday} morning.",
        "Please make sure the smoke alarms are tested and the garden is kept tidy.",
        "The deposit of {amount} is protected with the Deposit Protection Service.",
        "A contractor will attend to the leaking tap in the bathroom this week.",
        "Access will be needed for the annual gas safety inspection.",
        "We have received your notice to end the tenancy and will arrange a check-out.",
        "Any deductions from the deposit will be itemised with photographs.",
        "The EPC for the property was renewed in {month} with a rating of C.",
        "Please report any damp or mould promptly so it can be dealt with.",
    ),
    "employment": (
        "I am pleased to offer you the position of {dept} assistant, starting on {date}.",
        "Your starting salary will be {amount} per month, paid on the last working day.",
        "The role is based at our {town} office, with one day a week working from home.",
        "The offer is subject to two satisfactory references and proof of the right to work.",
        "Your probationary period will last {n} weeks.",
        "You will be entitled to 25 days of annual leave plus bank holidays.",
        "Please bring your passport and a recent utility bill on your first day.",
        "Your line manager will arrange an induction covering health and safety.",
        "We operate a workplace pension scheme with an employer contribution of {pct}%.",
        "Please sign and return the enclosed copy of the contract by {date}.",
        "Overtime is paid at time and a half after 40 hours in a week.",
    ),
    "appointment": (
        "This is to confirm your appointment on {weekday} {date} at 10.30am.",
        "Please arrive ten minutes early to complete the registration form.",
        "If you need to cancel, please give us at least 24 hours' notice.",
        "Parking is available behind the building on {town} Road.",
        "The appointment will last about {n} minutes.",
        "Please bring any letters or test results that relate to your visit.",
        "Missed appointments may be charged at {amount}.",
        "Our reception team can arrange an interpreter if you need one.",
        "A reminder will be sent by text message the day before.",
    ),
    "quote": (
        "Thank you for asking us to quote for the {product}.",
        "Our price for the work described is {amount} plus VAT.",
        "The quotation is valid for {n} days from the date of this letter.",
        "We can start within two weeks of receiving your written acceptance.",
        "The price includes removal and disposal of the old materials.",
        "Scaffolding, if needed, will be charged separately at cost.",
        "We are members of the relevant trade association and fully insured.",
        "A deposit of {pct}% is payable on acceptance, the balance on completion.",
        "Our surveyor measured up on {date} and the figures are based on that visit.",
        "Alternatively we could supply a lower-cost option from {company}.",
    ),
    "operations": (
        "{company} confirmed the delivery schedule for the {product} order.",
        "The {dept} team reviewed the backlog and cleared {n} outstanding jobs.",
        "Migration of the customer records to {system} finished on {date}.",
        "The {town} branch reported a {pct}% rise in enquiries since {month}.",
        "Stock of the {product} fell below the reorder level on {weekday}.",
        "The insurer asked for updated risk assessments before renewal.",
        "Training on {system} will run over {n} sessions in {month}.",
        "Fuel costs for the vans came to {amount} last month.",
        "The fire drill on {weekday} took four minutes to clear the building.",
        "Two quotes for {service} have been received and are being compared.",
        "The server room air conditioning was serviced under contract {ref}.",
        "Opening hours over the bank holiday will be 10am to 2pm.",
        "The board approved capital spending of {amount} on new equipment.",
        "Customer satisfaction scores averaged 4.{n} out of 5 this quarter.",
        "Invoices over {amount} now need approval from {dept}.",
    ),
    "hr": (
        "The return-to-work interview took place on {date}.",
        "Absence over the last twelve months amounts to {n} days.",
        "Occupational health recommended a phased return over four weeks.",
        "Reasonable adjustments agreed include a later start time and a supportive chair.",
        "The next review meeting is booked for {weekday}.",
        "The disciplinary hearing was adjourned at the employee's request.",
        "Holiday carried over from last year must be taken by the end of {month}.",
        "The grievance was investigated by a manager from {dept}.",
        "Flexible working was agreed on a trial basis for {n} weeks.",
        "The employee was reminded of the sickness reporting procedure.",
    ),
}
