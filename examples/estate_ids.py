"""Valid-format UK/EU identifiers for the demo estate, from one seeded random.Random.

Every value passes the checksum or format rule a real detector validates against (a detector
that drops invalid checksums must still find them), yet none belongs to a real person:
phone numbers come from Ofcom's ranges reserved for drama, NHS numbers from the 999 test range,
and the rest are random digits under a valid check digit.
"""

from __future__ import annotations

import random
import re
import string
from collections.abc import Callable

from stdnum import iban as std_iban
from stdnum import luhn
from stdnum.gb import nhs as std_nhs
from stdnum.gb import vat as std_vat

# HMRC: first letter never D F I Q U V; second never D F I O Q U V; these prefixes never issued.
NINO_FIRST = sorted(set(string.ascii_uppercase) - set("DFIQUV"))
NINO_SECOND = sorted(set(string.ascii_uppercase) - set("DFIOQUV"))
NINO_BANNED = {"BG", "GB", "NK", "KN", "TN", "NT", "ZZ"}
NINO_RE = re.compile(r"^(?!BG|GB|NK|KN|TN|NT|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]\d{6}[A-D]$")

# The UK government's postcode pattern (BS 7666), which Faker en_GB output does not always meet.
POSTCODE_RE = re.compile(
    r"^(?:[A-PR-UWYZ][0-9]{1,2}|[A-PR-UWYZ][A-HK-Y][0-9]{1,2}|[A-PR-UWYZ][0-9][A-HJKPSTUW]"
    r"|[A-PR-UWYZ][A-HK-Y][0-9][ABEHMNPRVWXY]) [0-9][ABD-HJLNP-UW-Z]{2}$"
)

# Ofcom drama ranges: (national prefix, international prefix, first digit(s) of the last group).
# 020 7946 0xxx etc. are valid for libphonenumber; 07700 900xxx is not (it is unallocated), so
# a detector built only on phonenumbers.is_valid_number() misses the mobiles.
LANDLINES = [
    ("020 7946 0", "+44 20 7946 0"),
    ("0113 496 0", "+44 113 496 0"),
    ("0161 496 0", "+44 161 496 0"),
    ("0117 496 0", "+44 117 496 0"),
    ("0121 496 0", "+44 121 496 0"),
    ("0131 496 0", "+44 131 496 0"),
]
MOBILE = ("07700 900", "+44 7700 900")


class IdFactory:
    """Seeded source of identifiers; never hands out the same phone number twice."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self._used: set[tuple[str, str]] = set()

    def digits(self, n: int) -> str:
        """Return n random decimal digits (leading zeros kept)."""
        return "".join(self.rng.choice(string.digits) for _ in range(n))

    def _unique(self, kind: str, make: Callable[[], str]) -> str:
        while True:
            value = make()
            if (kind, value) not in self._used:
                self._used.add((kind, value))
                return value

    def landline(self, international: bool = False) -> str:
        """Return a drama-range UK landline, national (`020 7946 0123`) or +44 form."""
        national, intl = self.rng.choice(LANDLINES)
        tail = self._unique(national, lambda: self.digits(3))
        return (intl if international else national) + tail

    def mobile(self, international: bool = False) -> str:
        """Return a drama-range UK mobile, `07700 900123` or `+44 7700 900123`."""
        tail = self._unique(MOBILE[0], lambda: self.digits(3))
        return (MOBILE[1] if international else MOBILE[0]) + tail

    def postcode(self, faker_postcode: Callable[[], str]) -> str:
        """Draw Faker postcodes until one meets the government pattern."""
        while True:
            code = faker_postcode()
            if POSTCODE_RE.match(code):
                return code

    def nino(self, spaced: bool = False) -> str:
        """Return a National Insurance number in a format HMRC could issue."""
        while True:
            prefix = self.rng.choice(NINO_FIRST) + self.rng.choice(NINO_SECOND)
            if prefix not in NINO_BANNED:
                break
        body, suffix = self.digits(6), self.rng.choice("ABCD")
        if spaced:
            return f"{prefix} {body[:2]} {body[2:4]} {body[4:]} {suffix}"
        return prefix + body + suffix

    def sort_code(self) -> str:
        """Return a sort code in the usual `12-34-56` form."""
        d = self.digits(6)
        return f"{d[:2]}-{d[2:4]}-{d[4:]}"

    def account_number(self) -> str:
        """Return an eight-digit UK bank account number."""
        return self.digits(8)

    def vat(self) -> str:
        """Return a GB VAT number (9 digits, HMRC mod-97 check) as `GB123456789`."""
        while True:
            number = "GB" + self.digits(9)
            if std_vat.is_valid(number):
                return number

    def card(self, prefix: str = "400000") -> str:
        """Return a 16-digit Luhn-valid Visa number.

        Stripe publishes many of its test cards under BIN 400000; staying there makes a clash
        with a live card unlikely, while every card detector still sees a Visa number.
        """
        body = prefix + self.digits(15 - len(prefix))
        return body + luhn.calc_check_digit(body)

    def not_card(self) -> str:
        """Return 16 digits that fail Luhn, for traps that merely look like a card."""
        body = self.digits(16)
        while luhn.is_valid(body):
            body = body[:-1] + str((int(body[-1]) + 1) % 10)
        return body

    def part_number(self) -> str:
        """Return a part number shaped like a UK phone number (`04712 140653`).

        It starts 04 or 06, ranges Ofcom has never allocated, so it cannot be anyone's number.
        """
        return "0" + self.rng.choice("46") + self.digits(3) + " " + self.digits(6)

    def nhs(self) -> str:
        """Return an NHS number from the 999 test range with a valid mod-11 check digit."""
        while True:
            number = "999" + self.digits(7)
            if std_nhs.is_valid(number):
                return f"{number[:3]} {number[3:6]} {number[6:]}"

    def iban(self, country: str) -> str:
        """Return a checksum-valid IBAN for GB, DE or FR, grouped in fours as printed."""
        if country == "GB":
            bban = self.rng.choice(["NWBK", "BARC", "LOYD", "MIDL"]) + self.digits(14)
        elif country == "DE":
            bban = self.digits(18)
        elif country == "FR":
            bank, branch, account = self.digits(5), self.digits(5), self.digits(11)
            # The French RIB key: 97 - (89*bank + 15*branch + 3*account) mod 97.
            key = 97 - (89 * int(bank) + 15 * int(branch) + 3 * int(account)) % 97
            bban = f"{bank}{branch}{account}{key:02d}"
        else:
            raise ValueError(f"no IBAN layout for {country!r}; use GB, DE or FR")
        compact = country + std_iban.calc_check_digits(country + "00" + bban) + bban
        if not std_iban.is_valid(compact):
            raise AssertionError(f"generated IBAN failed validation: {compact}")
        return " ".join(compact[i : i + 4] for i in range(0, len(compact), 4))
