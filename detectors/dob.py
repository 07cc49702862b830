"""Date of birth: a full date (with a year) that a birth cue introduces.

Every business document is full of dates; what makes one a date of birth is the words before
it (`DOB`, `date of birth`, `born`) or the column it sits in. Unlike the other recognizers the
*nearest* cue decides (the policy of every recognizer, detectors/pattern.py): in
`DOB: 12/03/1985, start date: 01/09/2020` the second date has a birth cue in its window too,
but a nearer `start date` one; and cues never reach across a sentence end or another year.
Dates without a year (`1 June`) and durations (`45 days`) never match the shapes.
"""

from __future__ import annotations

import re
from datetime import date

from detectors.pattern import Shape, ShapeRecognizer
from scanner.dates import MONTHS, parse_date

# Matched as whole words (CONTEXT_WHOLE): `birthtime: Mon, 10 Oct 2011` in file metadata is a
# file's creation time, not a birthday. Words in other EU languages are normalised like the
# text (non-ASCII letters become word breaks on both sides), so `födelsedatum` still matches.
_BIRTH = (
    "dob",
    "d o b",
    "date of birth",
    "dateofbirth",
    "birth",
    "birthdate",
    "birthday",
    "born",
    "date de naissance",
    "naissance",
    "geburtsdatum",
    "geburtstag",
    "geboren",
    "geb",
    "fecha de nacimiento",
    "nacimiento",
    "data di nascita",
    "nascita",
    "data de nascimento",
    "nascimento",
    "geboortedatum",
    "födelsedatum",
    "fødselsdato",
    "fødselsdag",
    "syntymäaika",
    "data urodzenia",
    "urodzenia",
)
_OTHER = (
    "start",
    "started",
    "joined",
    "joining",
    "hired",
    "leaving",
    "left",
    "issued",
    "issue",
    "expiry",
    "expires",
    "expiring",
    "valid",
    "due",
    "dated",
    "invoice",
    "order",
    "paid",
    "payment",
    "meeting",
    "received",
    "signed",
    "updated",
    "created",
    "modified",
    "sent",
    "delivery",
    "delivered",
    "renewal",
    "review",
    "appointment",
    "deadline",
    "effective",
    "until",
    "completion",
    "contract",
    "term",
    "period",
    "visit",
)


_BARRIER = re.compile(r"[.;!?](?:\s|$)|\b(?:19|20)\d\d\b")


class DateOfBirthRecognizer(ShapeRecognizer):
    """Full dates: numeric (d/m/y, ISO y-m-d) and written (`3 March 1985`, `March 3, 1985`)."""

    ENTITY = "DATE_OF_BIRTH"
    SHAPES = (
        Shape("dmy", r"(?<![\d/.\-])\d{1,2}([/.\-])\d{1,2}\1(?:\d{4}|\d{2})(?![\d/\-]|\.\d)", 0.15),
        Shape("iso", r"(?<![\d/.\-])\d{4}-\d{2}-\d{2}(?![\d/\-T:]|\.\d)", 0.15),
        Shape(
            "written",
            rf"(?<!\w)\d{{1,2}}(?:st|nd|rd|th)? (?:of )?(?:{MONTHS})\.?,? \d{{4}}(?!\w)",
            0.15,
            re.IGNORECASE,
        ),
        Shape(
            "us_written",
            rf"(?<!\w)(?:{MONTHS})\.? \d{{1,2}}(?:st|nd|rd|th)?,? \d{{4}}(?!\w)",
            0.15,
            re.IGNORECASE,
        ),
    )
    CONTEXT = _BIRTH
    DAMPING = _OTHER
    BOOST = 0.7
    BEFORE = 40
    AFTER = 0
    CONTEXT_WHOLE = True
    CHECK = "calendar date 1900-today"
    DAMP_WHOLE = False
    DAMP = 0.0  # a non-birth cue only withholds the boost

    def bounds(
        self, text: str, start: int, end: int, line_bound: bool, before: int, after: int
    ) -> tuple[int, int]:
        """Stop the cue window at the previous sentence end or year.

        In `Date of birth 1/2/1980. Checked on 3/4/2024` the cue belongs to the first date only.
        """
        lo, hi = super().bounds(text, start, end, line_bound, before, after)
        for m in _BARRIER.finditer(text, lo, start):
            lo = m.end()
        return lo, hi

    def validate(self, value: str) -> bool:
        """Accept a real calendar date between 1900 and today (no future births)."""
        parsed = parse_date(value)
        return parsed is not None and date(1900, 1, 1) <= parsed <= date.today()
