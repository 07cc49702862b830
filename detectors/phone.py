"""Phone numbers, found and validated by `phonenumbers` (Google's libphonenumber metadata).

International forms (`+33 1 42 68 53 00`, `0049 30 1234567`) carry their country and are found
in every text. A national form (`030 1234567`, `08-123 456 78`, `3533 7406`) is only a number
until something says which country it belongs to, and every region tried costs a full pass
over the text (shared/notes/presidio-facts.md), so four passes, each needing more evidence
than a country:
1. GB, always (the notice's home);
2. the two regions the text names most (detectors/phone_regions.py: country and city names,
   street words, calling codes, e-mail domains): their national forms anywhere in the text,
   a run of bare digits (`0432583673`) only with a phone word near it;
3. a number right after a phone label on its line (`Tel:`, `Telefon`, `puh.`, `tlf.`), or in a
   column whose header is one: valid in any EU/EEA region, the UK or Brazil;
4. after such a label too, a number in the North American layout (`546.575.3239`,
   `(677)831-2502x0535`), valid or not: many exports write every customer's number so.
Measured on the international records (bench/records.py): pass 3 is what finds national numbers
in forms and tables; pass 2 finds them in letters that name their city.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import re
from collections.abc import Iterator
from typing import Any

import phonenumbers

from detectors.pattern import (
    DAMPING_WORDS,
    Shape,
    ShapeRecognizer,
    date_shaped,
    has_word,
    norm_words,
    normalise_context,
)
from detectors.phone_regions import LABEL_REGIONS, regions_named
from detectors.prefilter import count_digits

# Ofcom reserves these for drama and documentation; libphonenumber calls them invalid, but a
# document that contains one still shows a phone number to its reader.
_DRAMA = re.compile(
    r"^(?:\+44|0)(?:7700900\d{3}|1632960\d{3}|20794600\d{2}|1134960\d{3}|"
    r"1174960\d{3}|1314960\d{3}|1514960\d{3}|1614960\d{3}|1914980\d{3}|"
    r"2890180\d{3}|29\d{8}|8081570\d{3}|9098790\d{3})$"
)
_JOINED_BEFORE = re.compile(r"[\-/.][A-Za-z0-9]$")
_JOINED_AFTER = re.compile(r"[\-/.][A-Za-z0-9]")
# A slash only after a leading area code (`030/1234567`, `06/ 834 49 78`, Hungary's trunk and
# area code `06-1/234 5678`); any other slash is a reference (`1895.22/1013`); `02110-1301` is
# a US ZIP+4.
_AREA_SLASH = re.compile(r"^\(?0\d{1,5}(?:-\d{1,3})?\)? ?/ ?\d[\d ]*$")
_ZIP4 = re.compile(r"^\d{5}-\d{4}$")
# Two words of a run that each hold a decimal point: a row of figures (`M  9.4   0.00  42.4`,
# `6.23 -349 9.72`), where a phone number dots its groups without spaces (`546.575.3239`).
_DECIMALS = re.compile(r"\d\.\d+[ \t](?:.*[ \t])?\d+\.\d")
_INSIDE_NUMBER = re.compile(r"\d[:.,\-/]$")  # inside a time, a decimal, a range or a date
_DOTTED = re.compile(r"\d\.\d+\.\d")
_FR_DOTTED = re.compile(r"0[1-9](?:\.\d\d){4}")
_DATE = re.compile(r"^\d{1,4}[./\-]\d{1,2}[./\-]\d{1,4}$|^(?:19|20)\d\d ?[-–] ?(?:19|20)\d\d$")
_INTERNATIONAL = re.compile(r"^\(?(?:\+|00)")
_TRUNK = re.compile(r"^\(?0")
# Regions whose national numbers are written with the trunk prefix 0 (`020 7946 0123`,
# `030 1234567`); a run of digits without it is a count, a checksum or an id. Brazil writes
# area codes without it (`(11) 1234-5678`), so it is not listed.
_TRUNK_ZERO = frozenset(
    region
    for region in ("GB", "DE", "FR", "NL", "BE", "AT", "CH", "FI", "SE", "IE", "SI", "HR", "RO")
    if getattr(phonenumbers.PhoneMetadata.metadata_for_region(region), "national_prefix", "") == "0"
)
# A run of digits and phone punctuation: what a labelled national number looks like.
_RUN = re.compile(r"(?<![\w+/.\-])\(?\d[\d() \-/.]{5,18}\d(?![\w\-/]|\.\d)")
# Labels in the languages of the regions tried, normalised like the text (casefolded, words
# only: `Tél.:` is ` tél`); a label is a word's start (` telefon` finds `Telefonnummer`).
LABEL_WORDS = (
    "tel",
    "tlf",
    "tfn",
    "fon",
    "ph",
    "phone",
    "telephone",
    "téléphone",
    "tél",
    "tfno",
    "telf",
    "telefon",
    "telefone",
    "telefono",
    "teléfono",
    "telefoon",
    "puh",
    "puhelin",
    "mob",
    "mobile",
    "mobil",
    "móvil",
    "cellulare",
    "cell",
    "celular",
    "handy",
    "gsm",
    "portable",
    "natel",
    "telemóvel",
    "fax",
    "call",
    "ring",
    "whatsapp",
    "sms",
    "dial",
    "contact",
    "kontakt",
    # Verbs that introduce a number in prose: `you can reach me on`, `me joindre au`.
    "reach",
    "joindre",
    "appeler",
    "erreichen",
    "erreichbar",
    "anrufen",
    "llamar",
    "chiamar",
    "bellen",
    "ligar",
    "contactar",
    "mobiel",
    "mobilnummer",
    "telefonnummer",
    "puhelinnumero",
    "numer telefonu",
    "komórka",
    "telefoon",
    "rufnummer",
    "festnetz",
    "durchwahl",
    "matkapuhelin",
    "mobitel",
    "tālrunis",
    # Greek and Bulgarian (normalised text keeps every script's letters)
    "τηλέφωνο",
    "τηλ",
    "κινητό",
    "телефон",
    "тел",
    "мобилен",
)
_LABELS = norm_words(LABEL_WORDS)
# One-letter labels of signature blocks and letterheads (`T 0479 256967`, `M: 07700 900123`),
# only right before the number: anywhere else a lone letter is a word's remnant (`don't`).
_LETTER_LABEL = re.compile(r"(?:^|[ \t|/])[TtMmFfPp][.:]?[ \t]*$")
LABEL_WINDOW = 30  # characters before a number on its line where its label may stand


GB_DIGITS = 9  # _judge's least for a GB number
# A North American number: optional 1 or +1, area code and exchange starting 2-9 (NANP), groups
# joined by dashes, dots or spaces; an extension (`x524`, `ext. 12`) may follow, outside the span.
_NANP = re.compile(
    r"(?<![\w+/.\-])(?:\+?1[-. ]?)?(?:\([2-9]\d{2}\)[ ]?|[2-9]\d{2}[-. ])[2-9]\d{2}[-. ]\d{4}"
    r"(?=(?:[ ]?(?:x|ext\.?)[ ]?\d{1,6})?(?![\w\-/]|\.\d))"
)


def _nanp_run(text: str, run: re.Match[str]) -> bool:
    """Whether a run is a whole North American number (`(713) 853-6715`, `713-420-4258`).

    Pass 3 leaves those to pass 4: some region tried for a label accepts any ten digits
    (Luxembourg's numbers have no fixed length), and the reason would then call a Houston
    number a Luxembourg one. A region the text names is still tried first.
    """
    m = _NANP.match(text, run.start())
    return m is not None and m.end() == run.end()


def _written_as(raw: str, number: Any) -> bool:
    """Whether `raw` groups its digits as the number's region writes them nationally."""
    national = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return re.findall(r"\d+", raw) == re.findall(r"\d+", national)


def _gb_matches(text: str) -> Iterator[tuple[int, int, Any]]:
    """GB matches of libphonenumber's matcher, from the lines with enough digits for one.

    The matcher never joins lines, and parsing every amount and date of a line that cannot
    hold a reportable number was most of this recognizer's time. Consecutive such lines (a
    column of phone numbers) go to one matcher: building one per line costs more than it saves.
    """
    chunks: list[tuple[int, int]] = []  # runs of consecutive such lines: one matcher each
    pos = 0
    for line in text.splitlines(keepends=True):
        if count_digits(line) >= GB_DIGITS:
            if chunks and chunks[-1][1] == pos:
                chunks[-1] = (chunks[-1][0], pos + len(line))
            else:
                chunks.append((pos, pos + len(line)))
        pos += len(line)
    for start, end in chunks:
        chunk = text[start:end]
        # A candidate shorter than GB_DIGITS characters holds fewer digits than _judge keeps:
        # the matcher skips it unparsed (most are amounts, years and dates).
        matcher = phonenumbers.PhoneNumberMatcher(
            chunk, "GB", phonenumbers.Leniency.POSSIBLE, min_candidate_length=GB_DIGITS
        )
        for m in matcher:
            yield start + m.start, start + m.end, m.number


@functools.lru_cache(maxsize=4096)
def _valid(country: int, national: int, leading_zero: bool | None, zeros: int | None) -> bool:
    """Whether a number is valid (libphonenumber) or a reserved drama number.

    Memoised: a letterhead's or a signature's number recurs in every document of a folder, and
    telling which of the regions sharing a calling code (GB, GG, IM, JE) it belongs to is most
    of a validity check's cost.
    """
    number = phonenumbers.PhoneNumber(
        country_code=country,
        national_number=national,
        italian_leading_zero=leading_zero,
        number_of_leading_zeros=zeros,
    )
    return phonenumbers.is_valid_number(number) or bool(
        _DRAMA.match(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))
    )


def _index(found: list[tuple[int, int]]) -> tuple[list[int], list[int]]:
    """Starts and running max of ends of spans in text order, for _overlaps()."""
    return [a for a, _ in found], list(itertools.accumulate((b for _, b in found), max))


def _overlaps(starts: list[int], reach: list[int], start: int, end: int) -> bool:
    """Whether [start, end) overlaps a found span (`reach`: running max of their ends).

    A bisection, not a scan of every found span: a column of 20,000 numbers made it quadratic.
    """
    i = bisect.bisect_left(starts, end) - 1
    return i >= 0 and reach[i] > start


class PhoneNumberRecognizer(ShapeRecognizer):
    """Phone numbers in international and national forms (see the module docstring)."""

    ENTITY = "PHONE_NUMBER"
    SHAPES = (Shape("valid", "", 0.6), Shape("possible", "", 0.3))
    # Every label, and words that introduce a number in running text.
    CONTEXT = (*LABEL_WORDS, "text", "landline", "switchboard", "direct")
    DAMPING = DAMPING_WORDS + ("iban", "sort", "nhs", "card", "vat", "passport", "artikel")
    BOOST = 0.35
    BEFORE = 32
    CHECK = "libphonenumber"
    MIN_DIGITS = 8  # _judge's least for any region
    PREFILTER = re.compile(r"\d[\d ()\-./]{6,}\d")
    NAMED_REGIONS = 2  # national-format passes for regions the text names

    def __init__(self) -> None:
        super().__init__()
        self._shapes = []  # phonenumbers does the matching

    def candidates(self, text: str) -> Iterator[tuple[int, int, float, str]]:
        """Yield the four passes' numbers (module docstring); later passes skip found spans.

        Only the GB pass scans the whole text with libphonenumber's matcher; the national
        passes parse just the digit runs the GB pass left unexplained, and look for the regions
        a text names only when such runs exist (most texts have none).
        """
        found: list[tuple[int, int]] = []
        # A merely possible GB reading may be valid elsewhere: it is yielded last, and only
        # where no later pass read the same digits (analyze keeps the first reading of a span,
        # so `M: 0765211763` was a 0.3 GB guess instead of a valid labelled number).
        possible: list[tuple[int, int, float, str]] = []
        for start, end, number in _gb_matches(text):
            verdict = self._judge(text, start, end, number, "GB")
            if verdict and verdict[0] >= 0.6:
                found.append((start, end))
                yield start, end, *verdict
            elif verdict:
                possible.append((start, end, *verdict))
        starts, reach = _index(found)  # in text order: the matcher reads left to right
        left = [
            r
            for r in _RUN.finditer(text)
            if not _overlaps(starts, reach, r.start(), r.end())
            and self._may_be_number(text, r.start(), r.end())
        ]
        labelled_column = bool(self._header) and has_word(self._header, _LABELS)
        named: list[str] = []
        if left:  # only runs the GB pass left unexplained need a region
            named = [r for r in regions_named(text, self.NAMED_REGIONS + 1) if r != "GB"]
            named = named[: self.NAMED_REGIONS]
        for run in left:
            start, end = run.span()
            labelled = labelled_column or self._labelled(text, start)
            regions = [*named, *LABEL_REGIONS] if labelled and not _nanp_run(text, run) else named
            chosen: tuple[float, str] | None = None
            for region in regions:
                try:
                    number = phonenumbers.parse(run.group(0), region)
                except phonenumbers.NumberParseException:
                    continue
                verdict = self._judge(text, start, end, number, region)
                if not verdict or verdict[0] < 0.6:
                    continue
                if region in named:
                    # A run of bare digits (`(0432583673)`, a changeset id after an author's
                    # `.fi` address) is a number only with a phone word near it: scored as
                    # possible, the cue lifts it over the threshold (`call me on 0401234567`).
                    bare = not labelled and run.group(0).strip("()").isdigit()
                    chosen = (0.3, verdict[1]) if bare else verdict
                    break
                # Of the regions a label leaves open, the one that writes the number the way
                # it stands (`01 42 68 53 00` is French; Ireland would write `01 426 8530`)
                as_written = _written_as(run.group(0), number)
                if chosen is None or as_written:
                    chosen = verdict[0], f"labelled {region}"
                if as_written:
                    break
            if chosen is not None:
                yield start, end, *chosen
                found.append((start, end))
        read = set(found)
        for start, end, score, shape in self._nanp(text, found, labelled_column):
            read.add((start, end))
            yield start, end, score, shape
        yield from (p for p in possible if (p[0], p[1]) not in read)

    def check_note(self, shape: str) -> str:
        """A pass-4 number was checked by its layout, not by the library."""
        return "layout only" if shape == "labelled NANP" else super().check_note(shape)

    def _nanp(
        self, text: str, found: list[tuple[int, int]], labelled_column: bool
    ) -> Iterator[tuple[int, int, float, str]]:
        """Pass 4: a North American number after a phone label or under a phone header.

        `546.575.3239`, `(677)831-2502x0535`, `1-726-325-4192x679`: the layout (area code and
        exchange starting 2-9, dots allowed, an extension after) is the evidence, with the
        label; whether the area code is assigned today is not asked (a typo or a number from an
        old export is still someone's contact detail). Dotted groups are versions elsewhere.
        """
        starts, reach = _index(sorted(found))  # bisected: a column of 20,000 stays linear
        for m in _NANP.finditer(text):
            start, end = m.span()
            if _overlaps(starts, reach, start, end):
                continue
            if labelled_column or self._labelled(text, start):
                yield start, end, 0.6, "labelled NANP"

    def _may_be_number(self, text: str, start: int, end: int, least: int = 8) -> bool:
        """The checks of _judge that need no parse: edges, dates, slashes, enough digits."""
        raw = text[start:end]
        if not self._clean_edges(text, start, end) or _ZIP4.match(raw) or _DATE.match(raw):
            return False
        if raw.count(".") == 1 or _DECIMALS.search(raw):
            return False  # `624.078979`, `M  9.4   0.00  42.4`: decimal points, not groups
        if date_shaped(raw):
            return False  # `from 20011215 changes`: a date written year first
        if "/" in raw and not _AREA_SLASH.match(raw):
            return False  # `1895.22/1013`: a reference, not a number
        return sum(c.isdigit() for c in raw) >= least

    def _judge(
        self, text: str, start: int, end: int, number: Any, region: str
    ) -> tuple[float, str] | None:
        """Score and shape of one candidate, or None when its surroundings rule it out."""
        raw = text[start:end]
        if not self._may_be_number(text, start, end, least=0):
            return None
        if not _INTERNATIONAL.match(raw) and region in _TRUNK_ZERO and not _TRUNK.match(raw):
            return None  # `1535359906` (a byte count): written nationally it would start with 0
        digits = sum(c.isdigit() for c in raw)
        # Short numbers (`2015 12`, extensions) are never worth reporting; eight digits are a
        # whole number in DK, NO and the Baltics, and only counted with their country.
        if digits < (GB_DIGITS if region == "GB" else 8):
            return None
        if _valid(
            number.country_code,
            number.national_number,
            number.italian_leading_zero,
            number.number_of_leading_zeros,
        ):
            return 0.6, "valid" if region == "GB" else f"valid {region}"
        if digits >= 10 and region == "GB":
            return 0.3, "possible"
        return None

    @staticmethod
    def _labelled(text: str, start: int) -> bool:
        """Whether a phone label stands before the number on its line."""
        line_start = text.rfind("\n", 0, start) + 1
        before = text[max(line_start, start - LABEL_WINDOW) : start]
        if _LETTER_LABEL.search(before):
            return True
        window = normalise_context(before)
        # Labels of up to four letters only as whole words: `call` is not `Calle`, `tel` not
        # `tell` (normalised words carry their leading space).
        return any((w + " " if len(w) <= 5 else w) in window for w in _LABELS)

    @staticmethod
    def _clean_edges(text: str, start: int, end: int) -> bool:
        """Reject numbers glued to letters or joined by -/. to more digits (`PN-4411-2093`).

        Also a percentage (`16.06%`) and a number that starts inside another: after a clock
        time's colon (git's `Date:   Mon Aug 20 18:58:44 2007 -0300` holds no phone) or a
        decimal point (`624.078979 458 24`).
        """
        before = text[max(0, start - 2) : start]
        after = text[end : end + 2]
        if before[-1:].isalnum() or after[:1].isalnum() or after[:1] == "%":
            return False
        if _INSIDE_NUMBER.search(before):
            return False  # `18:58:44 2007 -0300`, `624.078979 458`: the rest of a number
        if _JOINED_BEFORE.search(before) or _JOINED_AFTER.match(after):
            return False
        raw = text[start:end]
        # Dotted groups are versions and IPs, except France's way of writing its ten digits
        # (`06.12.34.56.78`): five pairs after a trunk zero, which no version number has.
        return not _DOTTED.search(raw) or _FR_DOTTED.fullmatch(raw) is not None
