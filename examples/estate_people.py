"""The cast of the demo estate: Flotech's staff, its customers and prospects, all fictitious.

One Faker (en_GB) and one IdFactory, seeded once and drawn from in a fixed order, make every
person; so the same seed always gives the same people, with the same identifiers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from estate_ids import IdFactory
from faker import Faker

FLOTECH = "Flotech Performance Systems Ltd"
DOMAIN = "flotechps.co.uk"
JOBS = (
    "Service Engineer",
    "Service Engineer",
    "Controls Engineer",
    "Sales Manager",
    "Sales Executive",
    "Marketing Coordinator",
    "Finance Manager",
    "Office Manager",
)

Values = list[tuple[str, str]]  # (entity, value) pairs planted in one piece of text


@dataclass(frozen=True)
class Person:
    """A fictitious person with everything any file might hold about them."""

    name: str
    first: str
    job: str
    company: str
    street: str
    town: str
    postcode: str
    phone: str
    mobile: str
    email: str
    vat: str
    sort_code: str
    account: str
    nino: str
    dob: str

    @property
    def addr(self) -> tuple[str, str]:
        """(display name, e-mail address) for a message header."""
        return self.name, self.email


class Cast:
    """Everyone the estate's files mention, with the seeded generators that made them."""

    def __init__(self, seed: int) -> None:
        self.fake = Faker("en_GB")
        self.fake.seed_instance(seed)
        self.ids = IdFactory(seed)
        self._names: set[str] = set()
        self.staff = [self.person(FLOTECH, DOMAIN, job) for job in JOBS]
        self.eng, self.eng2, self.controls, self.sales, self.sales2 = self.staff[:5]
        self.marketer, self.finance = self.staff[5], self.staff[6]
        self.customers = [self.customer() for _ in range(10)]
        self.prospects = [self.customer() for _ in range(4)]

    def person(self, company: str, domain: str, job: str, international: bool = False) -> Person:
        """Make a unique person; `international` writes their phones in +44 form."""
        while True:
            first, last = self.fake.first_name(), self.fake.last_name()
            if f"{first} {last}" not in self._names:
                break
        self._names.add(f"{first} {last}")
        local = re.sub(r"[^a-z.]", "", f"{first}.{last}".lower())
        born = date(1962, 1, 1) + timedelta(days=self.ids.rng.randrange(365 * 40))
        return Person(
            name=f"{first} {last}",
            first=first,
            job=job,
            company=company,
            street=f"{self.ids.rng.randrange(1, 240)} {self.fake.street_name()}",
            town=self.fake.city(),
            postcode=self.ids.postcode(self.fake.postcode),
            phone=self.ids.landline(international),
            mobile=self.ids.mobile(international),
            email=f"{local}@{domain}",
            vat=self.ids.vat(),
            sort_code=self.ids.sort_code(),
            account=self.ids.account_number(),
            nino=self.ids.nino(),
            dob=born.strftime("%d/%m/%Y"),
        )

    def customer(self) -> Person:
        """Make a customer contact at a fictitious UK company with its own domain."""
        company = self.fake.company()
        slug = re.sub(r"\b(and sons|plc|ltd|group)\b", "", company.lower())
        domain = re.sub(r"[^a-z]+", "-", slug).strip("-") + ".co.uk"
        job = self.ids.rng.choice(
            ["Facilities Manager", "Operations Director", "Maintenance Lead", "Plant Engineer"]
        )
        return self.person(company, domain, job, international=len(self._names) % 3 == 0)

    def signature(self, p: Person) -> tuple[str, Values]:
        """Return an e-mail signature block and the values it plants."""
        text = f"Kind regards,\n\n{p.name}\n{p.job}, {p.company}\nTel: {p.phone}\nMob: {p.mobile}\n"
        return text, [("PERSON", p.name), ("PHONE_NUMBER", p.phone), ("PHONE_NUMBER", p.mobile)]
