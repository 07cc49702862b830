"""Ordinary business documents as text: letters, invoices, statements, minutes, HR forms, mail.

Each builder returns a `Text` (bench/ordinary_text.py) whose planted list is exactly the personal
data it wrote. Invoices and statements also return their table of lines, which the file writers
lay out as a real table (docx, html) or as aligned lines (pdf, txt).
"""

from __future__ import annotations

from bench.ordinary_text import Cast, Company, Person, Text

Rows = list[list[str]]


class Builders:
    """Document builders over one seeded cast."""

    def __init__(self, cast: Cast) -> None:
        self.c = cast
        self.r = cast.rng

    # --- pieces -------------------------------------------------------------------------------

    def letterhead(self, t: Text, co: Company) -> None:
        """The sender's name and address (an organisation: not planted)."""
        t.say(co.name).say(f"{co.street}, {co.town} {co.postcode}")
        t.say(f"Tel {co.phone} | {co.web} | VAT {co.vat}").say()

    def addressee(self, t: Text, p: Person) -> None:
        """The recipient block: title and name, street, town, postcode."""
        name = t.val("PERSON", p.name)
        t.say(f"{p.title} {name}" if self.r.random() < 0.6 else name)
        t.say(t.val("ADDRESS", p.street)).say(p.town).say(t.val("UK_POSTCODE", p.postcode)).say()

    def signature(self, t: Text, co: Company, closing: str = "Yours sincerely") -> None:
        """A member of staff signs: name, job, and often a direct line and e-mail."""
        s = self.c.person()
        t.say().say(f"{closing},").say().say(t.val("PERSON", s.name))
        t.say(f"{self.r.choice(JOBS)}, {co.name}")
        if self.r.random() < 0.6:
            domain = co.web.removeprefix("www.")
            mail = f"{s.first[0]}.{s.last}".lower().replace(" ", "").replace("'", "")
            mail = "".join(ch for ch in mail if ch.isascii()) + "@" + domain
            t.say(f"Direct line {t.val('PHONE_NUMBER', s.phone)} | {t.val('EMAIL_ADDRESS', mail)}")

    def personal_paragraph(self, t: Text, p: Person) -> None:
        """One sentence or two that carry the person's own details, as letters often do."""
        pick = self.r.randrange(7)
        if pick == 0:
            t.say(
                f"We have updated our records with your new mobile number, "
                f"{t.val('PHONE_NUMBER', p.mobile)}, and e-mail address "
                f"{t.val('EMAIL_ADDRESS', p.email)}."
            )
        elif pick == 1:
            t.say(
                f"Refunds will be paid to the account you gave us (sort code "
                f"{t.val('UK_SORT_CODE', p.sort_code)}, account number "
                f"{t.val('UK_BANK_ACCOUNT', p.account)})."
            )
        elif pick == 2:
            t.say(
                f"For security we checked your date of birth ({t.val('DATE_OF_BIRTH', p.dob)}) "
                "before discussing the account."
            )
        elif pick == 3:
            t.say(
                f"The card payment of {self.c.money()} was taken from card "
                f"{t.val('CREDIT_CARD', p.card)} on {self.c.day():%d/%m/%Y}."
            )
        elif pick == 4:
            t.say(f"We will ring you on {t.val('PHONE_NUMBER', p.phone)} to arrange a time.")
        elif pick == 5:
            t.say(f"Please confirm your IBAN ({t.val('IBAN_CODE', p.iban)}) is still correct.")
        else:
            t.say(f"A copy has also been sent by e-mail to {t.val('EMAIL_ADDRESS', p.email)}.")

    # --- documents ----------------------------------------------------------------------------

    def letter(self) -> tuple[Text, Rows]:
        """A letter from a business to a customer, tenant or candidate."""
        t, co, p = Text(), self.c.company(), self.c.person()
        topic = self.r.choice(("complaint", "payment", "tenancy", "employment", "appointment",
                               "quote"))  # fmt: skip
        self.letterhead(t, co)
        t.say(self.c.day().strftime("%d %B %Y")).say()
        self.addressee(t, p)
        t.say(f"Our ref: {self.c.ref()}").say()
        t.say(f"Dear {p.title} {p.last}," if self.r.random() < 0.7 else f"Dear {p.first},").say()
        sizes = [self.r.randrange(1, 5) for _ in range(self.r.randrange(2, 5))]
        for n, para in enumerate(self.c.paragraphs(topic, sizes)):
            t.say(para).say()
            if n == 0 and self.r.random() < 0.6:
                self.personal_paragraph(t, p)
                t.say()
        self.signature(t, co)
        return t, []

    def invoice(self) -> tuple[Text, Rows]:
        """An invoice to a private customer, with its lines."""
        t, co, p = Text(), self.c.company(), self.c.person()
        self.letterhead(t, co)
        t.say("INVOICE").say(f"Invoice number: {self.c.ref()}")
        t.say(f"Date: {self.c.day():%d/%m/%Y}    Terms: {self.r.choice((14, 30))} days").say()
        t.say("Bill to:")
        self.addressee(t, p)
        if self.r.random() < 0.5:
            t.say(f"Customer e-mail: {t.val('EMAIL_ADDRESS', p.email)}").say()
        rows, total = [["Description", "Qty", "Unit price", "Amount"]], 0.0
        for _ in range(self.r.randrange(1, 9)):
            qty, unit = self.r.randrange(1, 12), self.r.uniform(5, 600)
            total += qty * unit
            what = self.r.choice(LINE_ITEMS).format(product=self.r.choice(PRODUCT_WORDS))
            rows.append([what, str(qty), f"£{unit:,.2f}", f"£{qty * unit:,.2f}"])
        t.say(f"Subtotal £{total:,.2f}   VAT (20%) £{total * 0.2:,.2f}   Total £{total * 1.2:,.2f}")
        t.say().say(self.c.fill(self.r.choice(INVOICE_NOTES))).say()
        t.say(f"Pay to {co.name}, quoting the invoice number. Thank you for your business.")
        return t, rows

    def statement(self) -> tuple[Text, Rows]:
        """A monthly account statement, with its transactions."""
        t, co, p = Text(), self.c.company(), self.c.person()
        self.letterhead(t, co)
        t.say(f"STATEMENT OF ACCOUNT - {self.r.choice(MONTHS_SHORT)} 2025").say()
        self.addressee(t, p)
        t.say(f"Account: {self.r.randrange(100000, 999999)}").say()
        rows, balance = [["Date", "Details", "Debit", "Credit", "Balance"]], self.r.uniform(0, 900)
        for _ in range(self.r.randrange(4, 22)):
            amount = self.r.uniform(5, 450)
            credit = self.r.random() < 0.3
            balance += -amount if credit else amount
            details = self.c.fill(self.r.choice(STATEMENT_LINES))
            rows.append([f"{self.c.day():%d/%m/%Y}", details, "" if credit else f"{amount:.2f}",
                         f"{amount:.2f}" if credit else "", f"{balance:.2f}"])  # fmt: skip
        t.say(f"Balance due: £{balance:,.2f}").say()
        if self.r.random() < 0.5:
            t.say(
                f"Direct debit from sort code {t.val('UK_SORT_CODE', p.sort_code)}, account "
                f"{t.val('UK_BANK_ACCOUNT', p.account)}, will be collected on the 1st."
            )
        t.say(self.c.paragraph("payment", 2))
        return t, rows

    def minutes(self) -> tuple[Text, Rows]:
        """Minutes of a meeting: attendees, discussion, actions with owners."""
        t = Text()
        people = [self.c.person() for _ in range(self.r.randrange(3, 8))]
        t.say(f"Minutes of the {self.r.choice(MEETINGS)} meeting, {self.c.day():%d %B %Y}").say()
        t.say("Present: " + ", ".join(t.val("PERSON", p.name) for p in people)).say()
        sizes = [self.r.randrange(1, 5) for _ in range(self.r.randrange(2, 6))]
        paras = self.c.paragraphs("operations", sizes)  # fewer when the bank runs out
        for n, (item, para) in enumerate(
            zip(self.r.sample(AGENDA, len(paras)), paras, strict=True)
        ):
            t.say(f"{n + 1}. {item}").say(para).say()
        t.say("Actions:")
        for p in self.r.sample(people, min(len(people), self.r.randrange(1, 4))):
            act = self.c.fill(self.r.choice(ACTIONS))
            t.say(f"- {act} ({t.val('PERSON', p.first + ' ' + p.last)}, by {self.c.day():%d/%m})")
        return t, []

    def memo(self) -> tuple[Text, Rows]:
        """An internal memo or policy note: business prose, usually no personal data."""
        t = Text()
        t.say(f"{self.r.choice(MEMO_TITLES)}").say()
        sizes = [self.r.randrange(2, 6) for _ in range(self.r.randrange(1, 5))]
        for para in self.c.paragraphs("operations", sizes):
            t.say(para).say()
        if self.r.random() < 0.3:
            s = self.c.person()
            t.say(f"Questions to {t.val('PERSON', s.name)} on {t.val('PHONE_NUMBER', s.phone)}.")
        return t, []

    def hr_form(self) -> tuple[Text, Rows]:
        """A new starter form or an absence note: dense with identifiers."""
        t, p = Text(), self.c.person()
        if self.r.random() < 0.55:
            t.say("NEW STARTER DETAILS").say()
            t.say(f"Full name: {t.val('PERSON', p.name)}")
            t.say(f"Date of birth: {t.val('DATE_OF_BIRTH', p.dob)}")
            t.say(f"National Insurance number: {t.val('UK_NINO', p.nino)}")
            t.say(f"Home address: {t.val('ADDRESS', p.street)}, {p.town}, "
                  f"{t.val('UK_POSTCODE', p.postcode)}")  # fmt: skip
            t.say(f"Mobile: {t.val('PHONE_NUMBER', p.mobile)}")
            t.say(f"Personal e-mail: {t.val('EMAIL_ADDRESS', p.email)}")
            t.say(f"Bank: sort code {t.val('UK_SORT_CODE', p.sort_code)}, "
                  f"account {t.val('UK_BANK_ACCOUNT', p.account)}")  # fmt: skip
            e = self.c.person()
            t.say(f"Emergency contact: {t.val('PERSON', e.name)} ({self.r.choice(KIN)}), "
                  f"{t.val('PHONE_NUMBER', e.mobile)}")  # fmt: skip
            t.say().say(self.c.paragraph("employment", 3))
        else:
            t.say("RETURN TO WORK RECORD - CONFIDENTIAL").say()
            t.say(f"Employee: {t.val('PERSON', p.name)}    NHS number: {t.val('UK_NHS', p.nhs)}")
            for para in self.c.paragraphs("hr", [self.r.randrange(2, 5), 2]):
                t.say().say(para)
        return t, []

    def mail_body(self, sender: Person, to: Person | None) -> Text:
        """A message body: greeting, prose, and a signature with the sender's numbers."""
        t = Text()
        if to is not None:
            t.say(f"{self.r.choice(('Hi', 'Dear', 'Hello'))} {to.first},").say()
        topic = self.r.choice(("complaint", "payment", "tenancy", "appointment", "quote",
                               "operations", "operations"))  # fmt: skip
        for para in self.c.paragraphs(topic, [self.r.randrange(1, 4) for _ in range(3)]):
            t.say(para).say()
        if self.r.random() < 0.25:
            self.personal_paragraph(t, sender)
            t.say()
        t.say(self.r.choice(("Kind regards,", "Thanks,", "Best wishes,", "Regards,")))
        t.say(t.val("PERSON", sender.name))
        if self.r.random() < 0.5:
            t.say(f"Mob: {t.val('PHONE_NUMBER', sender.mobile)}")
        return t

    def sheet(self) -> tuple[str, Rows, tuple[str, ...]]:
        """A small export: (kind, rows with header, entity of each column or '')."""
        kind = self.r.choice(("contacts", "orders", "timesheet", "payroll", "attendees"))
        n = self.r.randrange(8, 90)
        people = [self.c.person() for _ in range(n)]
        if kind == "contacts":
            head = ["Name", "Email", "Phone", "Postcode", "Last contacted"]
            ents = ("PERSON", "EMAIL_ADDRESS", "PHONE_NUMBER", "UK_POSTCODE", "")
            rows = [[p.name, p.email, p.mobile, p.postcode, f"{self.c.day():%d/%m/%Y}"]
                    for p in people]  # fmt: skip
        elif kind == "orders":
            head = ["Order", "Customer", "Email", "Items", "Total", "Status"]
            ents = ("", "PERSON", "EMAIL_ADDRESS", "", "", "")
            rows = [[f"#{self.r.randrange(10000, 99999)}", p.name, p.email,
                     str(self.r.randrange(1, 6)), f"{self.r.uniform(5, 300):.2f}",
                     self.r.choice(("Dispatched", "Paid", "Refunded", "Pending"))]
                    for p in people]  # fmt: skip
        elif kind == "timesheet":
            head = ["Employee", "Week ending", "Hours", "Site", "Approved by"]
            ents = ("PERSON", "", "", "", "")
            rows = [[p.name, f"{self.c.day():%d/%m/%Y}", f"{self.r.uniform(8, 45):.1f}",
                     self.r.choice(self.c.towns), self.r.choice(("JB", "KM", "Ops", "AC"))]
                    for p in people]  # fmt: skip
        elif kind == "payroll":
            head = ["Payroll no", "Name", "NI number", "Sort code", "Account", "Net pay"]
            ents = ("", "PERSON", "UK_NINO", "UK_SORT_CODE", "UK_BANK_ACCOUNT", "")
            rows = [[f"P{self.r.randrange(1000, 9999)}", p.name, p.nino, p.sort_code, p.account,
                     f"{self.r.uniform(900, 4200):.2f}"] for p in people]  # fmt: skip
        else:
            head = ["Attendee", "Organisation", "Dietary requirements"]
            ents = ("PERSON", "", "")
            rows = [[p.name, self.c.company().name,
                     self.r.choice(("", "", "Vegetarian", "None", "Gluten free"))]
                    for p in people]  # fmt: skip
        return kind, [head, *rows], ents


JOBS = ("Customer Services Adviser", "Office Manager", "Credit Controller", "Lettings Negotiator",
        "Practice Manager", "Accounts Assistant", "HR Adviser", "Service Coordinator",
        "Director", "Operations Manager")  # fmt: skip
MONTHS_SHORT = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov")
LINE_ITEMS = ("Supply of {product}", "Labour - {product}", "Call-out charge", "{product} parts",
              "Annual {product} contract", "Delivery", "Materials",
              "{product} (per unit)")  # fmt: skip
PRODUCT_WORDS = ("boiler", "radiator valve", "toner cartridge", "fence panel", "brake pads",
                 "window", "laptop", "cleaning", "hosting", "consultation", "survey")  # fmt: skip
INVOICE_NOTES = (
    "Payment is due within 30 days. Please quote {ref} with your payment.",
    "Goods remain the property of {company} until paid for in full.",
    "Thank you for your custom; we look forward to working with you again in {month}.",
    "Queries about this invoice should be raised with {dept} within 14 days.",
)
STATEMENT_LINES = ("Invoice {ref}", "Payment received - thank you", "Credit note {ref}",
                   "Direct debit", "Late payment fee", "Card payment", "Adjustment",
                   "{service}")  # fmt: skip
MEETINGS = ("monthly team", "health and safety committee", "board", "project steering",
            "staff consultation", "quarterly review")  # fmt: skip
AGENDA = ("Apologies and minutes of the last meeting", "Finance update", "Health and safety",
          "Customer feedback", "Staffing", "Any other business", "IT and systems")  # fmt: skip
ACTIONS = ("Circulate the revised budget", "Chase {company} for the signed contract",
           "Book the {service}", "Update the risk register", "Move the files to {system}",
           "Send the quote for the {product}")  # fmt: skip
MEMO_TITLES = ("Office move: what happens next", "Changes to the expenses policy",
               "Quarterly update from Operations", "Christmas opening hours",
               "New booking system", "Reminder: data protection training",
               "Fleet policy")  # fmt: skip
KIN = ("partner", "mother", "father", "sister", "brother", "friend", "wife", "husband")
