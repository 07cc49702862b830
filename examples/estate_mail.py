"""The estate's e-mail: saved customer correspondence (.eml) and the sales mailbox (.mbox).

Each message is built with the stdlib email package and records, as it is built, every value it
plants in its headers, body and attachments (see estate_formats.message).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage

from estate_formats import Doc, Pdf, Recorder, csv_bytes, message
from estate_people import FLOTECH, Cast, Person, Values

MAIL_START = datetime(2025, 9, 8, 8, 30, tzinfo=UTC)


class Correspondence(Cast):
    """Messages between the cast; a subclass supplies `rec`, the manifest being written."""

    rec: Recorder

    def customer_messages(self) -> list[tuple[str, EmailMessage, datetime]]:
        """Build the saved .eml files: quotes, card payment, site visits, refund, VAT change."""
        c, rec = self.customers, self.rec
        out: list[tuple[str, EmailMessage, datetime]] = []
        t = MAIL_START

        def add(
            name: str,
            sender: Person,
            to: Person,
            subject: str,
            when: datetime,
            body: str,
            values: Values,
            attachments: Sequence[tuple[str, str, bytes]] = (),
        ) -> None:
            rel = f"mail/{name}.eml"
            msg = message(
                rec, rel, "", sender.addr, to.addr, subject, when, body, values, attachments
            )
            out.append((name, msg, when))

        a, s = c[1], self.sales
        sig, sv = self.signature(a)
        body = (
            f"Hi {s.first},\n\nOur booster set at {a.street}, {a.town} {a.postcode} is tripping "
            f"on low suction again. Could you quote for a replacement?\n\n{sig}"
        )
        values = [("ADDRESS", a.street), ("UK_POSTCODE", a.postcode), *sv]
        add(
            "2025-09-08_quote-request-booster-set",
            a,
            s,
            "Quote request: booster set",
            t,
            body,
            values,
        )

        name = "2025-09-17_RE_quote-request-booster-set"
        quote_rel, member = f"mail/{name}.eml", "/attachments/Q-25-0917.pdf"
        pdf = self.quote_pdf(quote_rel, member, a, t + timedelta(days=9))
        sig, sv = self.signature(s)
        body = f"Dear {a.first},\n\nPlease find our quotation Q-25-0917 attached.\n\n{sig}"
        add(
            name,
            s,
            a,
            "RE: Quote request: booster set",
            t + timedelta(days=9),
            body,
            sv,
            [("Q-25-0917.pdf", "application/pdf", pdf)],
        )

        b, f = c[2], self.finance
        card = self.ids.card()
        grouped = " ".join(card[i : i + 4] for i in (0, 4, 8, 12))
        sig, sv = self.signature(b)
        body = (
            "Hello,\n\nPlease take payment for INV-25-1033 (£1,842.00) on our company card:\n"
            f"{grouped}, expiry 09/27, name on card {b.name}.\n\n{sig}"
        )
        add(
            "2025-10-02_payment-for-INV-25-1033",
            b,
            f,
            "Payment for INV-25-1033",
            t + timedelta(days=25),
            body,
            [("CREDIT_CARD", grouped), *sv],
        )

        d, e = c[3], self.eng
        name = "2025-10-14_site-access-for-service-visit"
        notes = Doc(rec, f"mail/{name}.eml", "/attachments/site-access-notes.docx")
        notes.heading("Site access notes")
        notes.para(
            f"Deliveries to {d.street}, {d.town}, {d.postcode}; gate code on arrival.",
            [("ADDRESS", d.street), ("UK_POSTCODE", d.postcode)],
        )
        notes.para(
            f"Gatehouse contact: {d.name}, mobile {d.mobile}",
            [("PERSON", d.name), ("PHONE_NUMBER", d.mobile)],
        )
        sig, sv = self.signature(d)
        body = f"Hi {e.first},\n\nAccess notes for Thursday attached.\n\n{sig}"
        docx_mime = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        add(
            name,
            d,
            e,
            "Site access for service visit",
            t + timedelta(days=37),
            body,
            sv,
            [("site-access-notes.docx", docx_mime, notes.bytes(t + timedelta(days=37)))],
        )

        g = c[6]
        iban = self.ids.iban("GB")
        sig, sv = self.signature(g)
        body = (
            f"Hello,\n\nWe paid INV-25-1098 twice. Please refund to IBAN {iban} "
            f"(sort code {g.sort_code}, account {g.account}).\n\n{sig}"
        )
        values = [("IBAN_CODE", iban), ("UK_SORT_CODE", g.sort_code)]
        add(
            "2025-11-03_refund-duplicate-payment",
            g,
            f,
            "Refund of duplicate payment",
            t + timedelta(days=57),
            body,
            [*values, ("UK_BANK_ACCOUNT", g.account), *sv],
        )

        h, e2 = c[4], self.eng2
        intl = e2.mobile.replace("07700 ", "+44 7700 ")
        body = (
            f"Dear {h.first},\n\nConfirming our engineer will attend {h.street}, {h.town} "
            f"{h.postcode} on 20 November, 08:00. On the day call me on {intl}.\n\n{e2.name}\n"
        )
        values = [("ADDRESS", h.street), ("UK_POSTCODE", h.postcode), ("PHONE_NUMBER", intl)]
        add(
            "2025-11-12_service-visit-confirmation",
            e2,
            h,
            "Service visit confirmation",
            t + timedelta(days=66),
            body,
            [*values, ("PERSON", e2.name)],
        )

        k = c[5]
        sig, sv = self.signature(k)
        body = (
            f"Hello,\n\nInvoice INV-25-1101 shows our old VAT number. Please reissue it "
            f"with VAT number {k.vat}.\n\n{sig}"
        )
        add(
            "2026-01-09_invoice-query-vat-number",
            k,
            f,
            "Invoice query INV-25-1101",
            t + timedelta(days=124),
            body,
            [("VAT_NUMBER", k.vat), *sv],
        )
        return out

    def quote_pdf(self, rel: str, member: str, c: Person, when: datetime) -> bytes:
        """Return a quotation PDF whose delivery address is the customer's site."""
        pdf = Pdf(self.rec, rel, member)
        pdf.line(f"{FLOTECH} - Quotation Q-25-0917", bold=True)
        pdf.line(f"Prepared for {c.name}, {c.company}", [("PERSON", c.name)])
        pdf.line("Delivery address:")
        pdf.line(c.street, [("ADDRESS", c.street)])
        pdf.line(f"{c.town} {c.postcode}", [("UK_POSTCODE", c.postcode)])
        pdf.line("Replacement twin-pump booster set with VSD, installed: £14,950.00 + VAT")
        return pdf.bytes(when)

    def sales_messages(self) -> list[tuple[EmailMessage, datetime]]:
        """Build the five sales-mailbox messages; the second carries a CSV of show leads."""
        rec, rel, s, s2 = self.rec, "mail/sales.mbox", self.sales, self.sales2
        p, q = self.prospects[0], self.prospects[1]
        start = MAIL_START + timedelta(days=23)
        out: list[tuple[EmailMessage, datetime]] = []

        def add(
            sender: Person,
            to: Person,
            subject: str,
            after: timedelta,
            body: str,
            values: Values,
            attachments: Sequence[tuple[str, str, bytes]] = (),
        ) -> None:
            member, when = f"#{len(out) + 1}", start + after
            args = (sender.addr, to.addr, subject, when, body, values, attachments)
            out.append((message(rec, rel, member, *args), when))

        sig, sv = self.signature(p)
        body = f"Good to meet you at the Pumps & Valves show. Please call me.\n\n{sig}"
        add(p, s, "Following up from the show", timedelta(0), body, sv)

        header = ["Name", "Company", "Phone", "Email"]
        rows = [[x.name, x.company, x.mobile, x.email] for x in (p, q, self.prospects[3])]
        kinds = {"Name": "PERSON", "Phone": "PHONE_NUMBER", "Email": "EMAIL_ADDRESS"}
        rec.table(rel, "#2/attachments/show-leads.csv", "", header, rows, kinds)
        body = f"{s2.first},\n\nLeads from the show attached - can you split them?\n\n{s.name}\n"
        att = [("show-leads.csv", "text/csv", csv_bytes(header, rows))]
        add(s, s2, "Show leads", timedelta(hours=3), body, [("PERSON", s.name)], att)

        sig, sv = self.signature(q)
        body = f"Hi,\n\nCould you send your 2026 price list? Mobile is best: {q.mobile}\n\n{sig}"
        add(q, s2, "Price list request", timedelta(days=2), body, sv)
        sig, sv = self.signature(s2)
        body = f"Hi {q.first},\n\nPrice list attached to follow; I will call you Monday.\n\n{sig}"
        add(s2, q, "RE: Price list request", timedelta(days=3), body, sv)

        o = self.customers[7]
        sig, sv = self.signature(o)
        body = (
            f"Order confirmed, PO 4400187. Deliver to {o.street}, {o.town} {o.postcode}.\n\n{sig}"
        )
        values = [("ADDRESS", o.street), ("UK_POSTCODE", o.postcode), *sv]
        add(o, s, "Order confirmation", timedelta(days=6), body, values)
        return out
