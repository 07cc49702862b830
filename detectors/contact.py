"""Contact and online identifiers: e-mail address, phone number, IP address.

The e-mail recognizer is our own regex, not Presidio's: Presidio's validates the domain with
tldextract, which fetches the public suffix list over the network on first use.
Phone numbers are found and validated by `phonenumbers` (Google's libphonenumber metadata):
GB always; an EU region's national format only when the text mentions that country, because
every region tried costs a full pass over the text (shared/notes/presidio-facts.md) and a
foreign national format in a UK document is rare. International forms (`+33 …`, `0049 …`) are
found by the GB pass whatever their country.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterator

import phonenumbers

from detectors.pattern import DAMPING_WORDS, Shape, ShapeRecognizer

_EMAIL = (
    r"(?<![\w.%+'-])[A-Za-z0-9][A-Za-z0-9._%+'-]{0,63}@"
    r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24}(?![\w-])"
)


class EmailAddressRecognizer(ShapeRecognizer):
    """RFC 5322 addr-spec in the common form; no network, no tldextract."""

    ENTITY = "EMAIL_ADDRESS"
    SHAPES = (Shape("email", _EMAIL, 0.9),)
    CONTEXT = ("email", "e mail", "mail", "contact")
    DAMPING = ()
    BOOST = 0.1
    PREFILTER = re.compile("@")

    def validate(self, value: str) -> bool:
        """No consecutive or trailing dots in the local part."""
        local = value.rpartition("@")[0]
        return ".." not in local and not local.endswith(".")


# Country cue words -> region whose national format we then try as well.
REGION_CUES: dict[str, tuple[str, ...]] = {
    "IE": ("ireland", "dublin", "cork", "eire"),
    "FR": ("france", "paris", "lyon", "french"),
    "DE": ("germany", "deutschland", "berlin", "munich", "hamburg", "german"),
    "NL": ("netherlands", "holland", "amsterdam", "rotterdam", "dutch"),
    "BE": ("belgium", "brussels", "antwerp"),
    "ES": ("spain", "madrid", "barcelona", "spanish"),
    "IT": ("italy", "milan", "rome", "italian"),
}

# Ofcom reserves these for drama and documentation; libphonenumber calls them invalid, but a
# document that contains one still shows a phone number to its reader.
_DRAMA = re.compile(
    r"^(?:\+44|0)(?:7700900\d{3}|1632960\d{3}|20794600\d{2}|1134960\d{3}|"
    r"1174960\d{3}|1314960\d{3}|1514960\d{3}|1614960\d{3}|1914980\d{3}|"
    r"2890180\d{3}|29\d{8}|8081570\d{3}|9098790\d{3})$"
)


_JOINED_BEFORE = re.compile(r"[\-/.][A-Za-z0-9]$")
_JOINED_AFTER = re.compile(r"[\-/.][A-Za-z0-9]")
_NOT_PHONE = re.compile(r"/|^\d{5}-\d{4}$")
_DOTTED = re.compile(r"\d\.\d+\.\d")


class PhoneNumberRecognizer(ShapeRecognizer):
    """Phone numbers in national and international forms (GB, plus cued EU regions)."""

    ENTITY = "PHONE_NUMBER"
    SHAPES = (Shape("valid", "", 0.6), Shape("possible", "", 0.3))
    CONTEXT = (
        "tel",
        "phone",
        "telephone",
        "mobile",
        "mob",
        "cell",
        "call",
        "ring",
        "fax",
        "contact",
        "whatsapp",
        "sms",
        "text",
        "landline",
        "switchboard",
        "direct",
        "dial",
    )
    DAMPING = DAMPING_WORDS + ("iban", "sort", "nhs", "card", "vat", "passport", "artikel")
    BOOST = 0.35
    BEFORE = 32
    PREFILTER = re.compile(r"\d[\d ()\-.]{7,}\d")

    def __init__(self) -> None:
        super().__init__()
        self._shapes = []  # phonenumbers does the matching

    def candidates(self, text: str) -> Iterator[tuple[int, int, float, str]]:
        """Yield libphonenumber matches: GB first, then the regions the text mentions."""
        lowered = text.casefold()
        regions = ["GB"] + [r for r, cues in REGION_CUES.items() if any(c in lowered for c in cues)]
        for region in regions:
            for m in phonenumbers.PhoneNumberMatcher(text, region, phonenumbers.Leniency.POSSIBLE):
                if not self._clean_edges(text, m.start, m.end):
                    continue
                if _NOT_PHONE.search(m.raw_string):
                    continue  # `02110-1301` (US ZIP+4), `1895.22/1013` (references)
                if sum(c.isdigit() for c in m.raw_string) < 9:
                    continue  # short numbers (`2015 12`, extensions) are never worth reporting
                number = m.number
                e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
                if phonenumbers.is_valid_number(number) or _DRAMA.match(e164):
                    yield m.start, m.end, 0.6, "valid"
                elif sum(c.isdigit() for c in m.raw_string) >= 10:
                    yield m.start, m.end, 0.3, "possible"

    @staticmethod
    def _clean_edges(text: str, start: int, end: int) -> bool:
        """Reject numbers glued to letters or joined by -/. to more digits (`PN-4411-2093`)."""
        before = text[max(0, start - 2) : start]
        after = text[end : end + 2]
        if before[-1:].isalnum() or after[:1].isalnum():
            return False
        if _JOINED_BEFORE.search(before) or _JOINED_AFTER.match(after):
            return False
        return not _DOTTED.search(text[start:end])  # dotted groups: versions and IPs


_OCTET = r"(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)"
_IPV4 = rf"(?<![\w.])(?:{_OCTET}\.){{3}}{_OCTET}(?![\w]|\.\w)"
_IPV6 = r"(?<![\w:])(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4}(?![\w:])"


class IpAddressRecognizer(ShapeRecognizer):
    """IPv4 and IPv6 addresses.

    A dotted version string has the same shape, so version words near it (`version`, `build`,
    `release`, `firmware`) damp it below the threshold.
    """

    ENTITY = "IP_ADDRESS"
    SHAPES = (Shape("ipv4", _IPV4, 0.6), Shape("ipv6", _IPV6, 0.6))
    CONTEXT = ("ip", "address", "host", "server", "client", "login", "logged", "from", "remote")
    DAMPING = (
        "version",
        "ver",
        "v",
        "build",
        "release",
        "firmware",
        "update",
        "patch",
        "package",
        "software",
        "app",
        "driver",
        "oid",
        "section",
        "clause",
    )
    BOOST = 0.3
    DAMP = 0.5
    BEFORE = 32
    PREFILTER = re.compile(r"\d\.\d|:[0-9A-Fa-f]*:")

    def validate(self, value: str) -> bool:
        """Accept a parseable address; IPv6 needs hex groups or `::`, not a clock time."""
        try:
            ip = ipaddress.ip_address(value)
        except ValueError:
            return False
        if ip.version == 6:  # at least three hex groups: `::` and `::1` are not a person's
            return sum(1 for group in value.split(":") if group) >= 3
        return not value.startswith("0.")
