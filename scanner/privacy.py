"""Masking and keyed hashing: how a raw value becomes something a report may contain.

The raw value of a detection exists only inside a worker, for as long as it takes to call
`Redactor.finding()`. What leaves is (a) masked evidence a reviewer can recognise without learning
the value (`J*** S****`, `**** **** **** 1234`) and (b) an HMAC-SHA256 of the normalised value, so
the same value can be correlated across items and scans without being recoverable by brute force
(a plain hash of a card number or NINO can be reversed by enumeration; a keyed one cannot without
the per-installation key). Content hashes of whole items are keyed the same way: a file can be as
small as one value.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
import unicodedata
from functools import lru_cache
from pathlib import Path

from scanner.dates import parse_date
from scanner.errors import ConfigError, NoticeScanError

KEY_ENV = "NOTICESCAN_HMAC_KEY"
# Bump whenever normalise() gives any value a different form: every stored hash changes with it,
# so scans record it (scan.json `hashing`) and the incremental analysis key includes it.
NORMALISATION_VERSION = 3  # 3: titles of the customers' languages dropped (`Herr`, `Mme`)
# The region a phone number written without its country code is read in before it is hashed
# (the notice's home): a DSAR for a foreign number must look for that reading too
# (reports.subject.phone_forms).
HOME_REGION = "GB"


def default_key_path() -> Path:
    """Per-installation key file under the XDG config directory."""
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "noticescan" / "hmac.key"


def load_key(secret_file: Path | None, create: bool = True) -> bytes:
    """The HMAC key: env NOTICESCAN_HMAC_KEY, else the key file (created 0600 on first run).

    `create=False` is for readers of finished scans (`noticescan person`): a missing key is an
    error there, since a fresh key would match nothing the scan wrote.
    """
    env = os.environ.get(KEY_ENV)
    if env:
        if len(env) < 16:
            raise ConfigError(KEY_ENV, "is shorter than 16 characters", "use a long random value")
        return env.encode()
    path = secret_file or default_key_path()
    try:
        return path.read_bytes().strip()
    except FileNotFoundError:
        if not create:
            raise NoticeScanError(
                f"{path}: no HMAC key here and {KEY_ENV} is not set; the scan's hashes can only "
                f"be matched with the key that wrote them: run this where the scan ran, or set "
                f"{KEY_ENV} to that key"
            ) from None
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32).encode()
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process created it between our read and our create
        return path.read_bytes().strip()
    with os.fdopen(fd, "wb") as fh:
        fh.write(key)
    return key


def key_fingerprint(key: bytes) -> str:
    """Names a key without revealing it: the HMAC of a fixed label under that key.

    Recorded in scan.json, so a reader holding a key can tell whether it is the scan's key
    (a wrong key would silently match nothing), and used in the incremental analysis key.
    """
    return hmac.new(key, b"noticescan key fingerprint v1", hashlib.sha256).hexdigest()[:16]


def hashing_facts(key: bytes) -> dict[str, object]:
    """What a scan's value hashes depend on, for scan.json `hashing`."""
    return {"key_fingerprint": key_fingerprint(key), "normalisation": NORMALISATION_VERSION}


_DIGITISH = re.compile(r"[\s\-./()]")
_NOT_ALNUM = re.compile(r"[^0-9a-z]")
# Identifiers whose separators are print layout only: `DE 136 695 976` = `DE136695976`,
# `85.07.30-033.28` = `85073003328`, `X-1234567-L` = `X1234567L`.
_PRINTED_IDS = frozenset(
    {
        "UK_POSTCODE",
        "UK_NINO",
        "UK_DRIVING_LICENCE",
        "VAT_NUMBER",
        "IBAN_CODE",
        "DE_TAX_ID",
        "FR_NIR",
        "ES_NIF",
        "IT_FISCAL_CODE",
        "NL_BSN",
        "IE_PPS",
        "PL_PESEL",
        "BE_NATIONAL_NUMBER",
        "DK_CPR",
        "NO_FODSELSNUMMER",
    }
)


def normalise(entity_type: str, value: str) -> str:
    """Canonical form so `020 7946 0123` and `+44 20 7946 0123` hash alike."""
    v = unicodedata.normalize("NFKC", value).strip().casefold()
    if entity_type == "PHONE_NUMBER":
        import phonenumbers  # its metadata takes 0.1 s to import: only where phones are hashed

        try:
            return phonenumbers.format_number(
                phonenumbers.parse(value, HOME_REGION), phonenumbers.PhoneNumberFormat.E164
            )
        except phonenumbers.NumberParseException:
            pass
    if entity_type == "PERSON":
        return normalise_name(value)
    if entity_type == "EMAIL_ADDRESS":
        return v
    if entity_type == "ADDRESS":
        return " ".join(v.split())
    if entity_type in _PRINTED_IDS:
        compact = _NOT_ALNUM.sub("", v)  # `SW1A 1AA` and `SW1A1AA` are one postcode
        if entity_type == "VAT_NUMBER" and compact.isdigit():
            return "gb" + compact  # a bare VAT number is a GB one (the only bare shape found)
        return compact
    if entity_type == "SE_PERSONNUMMER":
        # `19811228-9874`, `811228-9874` and `8112289874` are one number.
        return "".join(c for c in v if c.isdigit())[-10:]
    if entity_type == "FI_HETU":
        return "".join(v.split())  # the century sign (`-`, `+`, `A`) is part of the number
    if entity_type == "DATE_OF_BIRTH":
        parsed = parse_date(value)
        if parsed is not None:  # `12/03/1985`, `1985-03-12`, `12 March 1985` hash alike
            return parsed.isoformat()
    digits = sum(c.isdigit() for c in v)
    if digits and digits * 2 >= len(v.replace(" ", "")):
        return _DIGITISH.sub("", v)
    return " ".join(v.split())


# --- names -----------------------------------------------------------------------------------
# One form for the ways one name is written, shared by the scanner (hashing what it finds) and
# `noticescan person` (hashing what it is asked for): `Dr Zoë O’Brien` and `zoe o'brien` are one
# value. Word order is kept (`Smith, John` is not `John Smith`): the query builds each order it
# looks for (reports/subject.py), and the report can then say which form an item holds.

# Personal titles: one list for every place that reads a title before a name. A title opens a
# name but is not part of it: the detectors leave it outside a PERSON span (so `Frau Melissa
# Seifert` and `Melissa Seifert` hash alike) and normalise_name drops it. Until stop 34 four
# lists disagreed: the model's spans kept `Herr` and `Professor` (a subject access request for
# `Jürgen Vogel` missed `Herr Jürgen Vogel`), the hashing knew no title of the customers'
# languages, and the IP tie knew five English ones.
# Titles right before a name, in English and the languages of a UK firm's EU customers and staff
# (de, nl, da/sv/no, fr, es, it); case as written, a full stop may follow.
CUE_TITLES = (
    "Mr Mrs Ms Miss Mx Dr Prof Professor Herr Frau Hr Fru Mme Mlle Sra Srta Dhr Mevr Dott"
).split()
# Honorifics that open a name too (`Sir Keir Starmer`) but are English words (`Dear Sir`, `the
# Lord`): stripped from a span that holds a name, never a cue on their own.
HONORIFICS = "Sir Dame Lord Lady Rev".split()
TITLES = frozenset(t.casefold() for t in (*CUE_TITLES, *HONORIFICS))


def title_alternation(titles: list[str]) -> str:
    """The titles as a regex alternation (no group, no full stop), longest first."""
    return "|".join(sorted(titles, key=len, reverse=True))


_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'"})


def fold(text: str) -> str:
    """Casefold with diacritics removed (`Zoë` -> `zoe`): names are typed both ways."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def normalise_name(value: str) -> str:
    """The hashed form of a PERSON value.

    Folded (case, diacritics, curly apostrophes), dots read as spaces so `J. Smith`, `J Smith`
    and `J.Smith` meet, one space after a comma (`SMITH,John` is `smith, john`), and leading
    titles dropped in each comma part (`Mr J. Smith` is `j smith`, `Smith, Dr John` is
    `smith, john`).
    """
    v = fold(value).translate(_APOSTROPHES).replace(".", " ")
    parts = []
    for part in v.split(","):
        words = part.split()
        while len(words) > 1 and words[0] in TITLES:
            words.pop(0)
        if words:
            parts.append(" ".join(words))
    return ", ".join(parts)


def mask(entity_type: str, value: str) -> str:
    """Evidence a reviewer can recognise without learning the value."""
    v = " ".join(value.split())
    if entity_type == "EMAIL_ADDRESS" and "@" in v:
        local, _, domain = v.rpartition("@")
        host, dot, tld = domain.rpartition(".")
        if not dot:
            return f"{_keep_first(local)}@{_keep_first(domain)}"
        return f"{_keep_first(local)}@{_keep_first(host)}.{tld}"
    if entity_type in {"PERSON", "ADDRESS", "HEALTH", "LOCATION"}:
        return " ".join(_keep_first(w) for w in v.split(" "))
    if entity_type in {"CREDIT_CARD", "IBAN_CODE", "UK_BANK_ACCOUNT", "PHONE_NUMBER"}:
        return _keep_last_digits(v, 4 if entity_type != "PHONE_NUMBER" else 3)
    return "".join("*" if c.isalnum() else c for c in v)


def _keep_first(word: str) -> str:
    return word[:1] + "*" * (len(word) - 1) if word else word


def _keep_last_digits(value: str, keep: int) -> str:
    total = sum(c.isalnum() for c in value)
    out, seen = [], 0
    for c in value:
        if c.isalnum():
            seen += 1
            out.append(c if seen > total - keep else "*")
        else:
            out.append(c)
    return "".join(out)


HASH_MEMO = 1 << 14  # values a Redactor remembers the hash of


class Redactor:
    """Turns raw values into (masked evidence, keyed hash); one per process, key loaded once."""

    def __init__(self, key: bytes) -> None:
        self._key = key
        # A folder repeats its values: a letterhead's phone number, a signature's name, the
        # company's address are in every file (the ordinary documents: 6,168 distinct values
        # in 14,497 findings), and normalising a phone number parses it again. The memo lives
        # as long as the worker, in its memory only, as the texts it reads do.
        self.hash = lru_cache(maxsize=HASH_MEMO)(self._hash)

    def _hash(self, entity_type: str, value: str) -> str:
        """HMAC-SHA256 hex of the normalised value (hmac.digest: one call into OpenSSL)."""
        return hmac.digest(self._key, normalise(entity_type, value).encode(), "sha256").hex()

    def content_hash(self, data: bytes) -> str:
        """HMAC-SHA256 hex of an item's bytes (items.parquet `content_hash`).

        A plain SHA-256 of a small file holding one NI number was reversed by enumerating NI
        numbers (issue 13); keyed, the same bytes still hash alike within an installation (change
        detection, dedupe) and nobody without the key can test a guess. The prefix keeps content
        hashes apart from value hashes made with the same key.
        """
        mac = hmac.new(self._key, b"noticescan-content\0", hashlib.sha256)
        mac.update(data)
        return mac.hexdigest()


PERSONAL_METADATA = frozenset({"sender", "recipients", "from", "to", "cc", "bcc", "reply_to"})


def mask_metadata(metadata: dict[str, str]) -> dict[str, str]:
    """Mask the metadata values that are personal data (mail addresses of senders/recipients)."""
    if not metadata or not PERSONAL_METADATA & metadata.keys():
        return metadata
    out = dict(metadata)
    for key in PERSONAL_METADATA & metadata.keys():
        out[key] = ", ".join(
            mask("EMAIL_ADDRESS", a.strip()) for a in metadata[key].split(",") if a.strip()
        )
    return out
