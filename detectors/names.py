"""Person names: spaCy's PERSON entities behind false-positive filters, plus cue patterns.

The small English model tags cities (`Manchester`), companies named after people (`Johnson
Matthey`, `Marks and Spencer`) and the odd header as PERSON. The filters here are kept apart
from the model (the detect-secrets habit of filters as their own layer):
- place names and well-known surname-like companies (lists below);
- a company suffix right after the span (`Ltd`, `plc`, `LLP`), or anywhere in the text after
  the same words (once `Taylor Brown Ltd` appears, `Taylor Brown` is that company);
- spans with digits, `@`, no capitalised word, or more than four words;
- spans whose every word the same text also uses in lower case (`Reporting Bugs` next to
  `bugs`): names are almost never written in lower case, common words often are.
`CuedNameRecognizer` adds names the model misses where a cue leaves no doubt (`Dear Ms Kaur`,
`Name: Priya Patel`). Score policy: two or more words 0.85, one word 0.6, cue pattern 0.85.
"""

from __future__ import annotations

import re
from typing import Any

from presidio_analyzer import EntityRecognizer, RecognizerResult

from detectors.pattern import Shape, ShapeRecognizer

PLACES = frozenset(
    "london manchester birmingham leeds glasgow edinburgh liverpool bristol sheffield cardiff "
    "belfast newcastle nottingham leicester coventry bradford southampton portsmouth brighton "
    "plymouth derby reading oxford cambridge york bath exeter norwich aberdeen dundee swansea "
    "sunderland wolverhampton stoke hull preston milton keynes luton bolton salford wigan "
    "chester lincoln durham carlisle lancaster worcester hereford gloucester canterbury "
    "winchester salisbury truro inverness stirling perth kent surrey essex sussex devon cornwall "
    "yorkshire lancashire cheshire dorset somerset wiltshire hampshire norfolk suffolk "
    "rotterdam amsterdam paris berlin dublin brussels madrid barcelona lisbon rome milan munich "
    "frankfurt hamburg vienna zurich geneva copenhagen stockholm oslo helsinki warsaw prague "
    "budapest athens luxembourg antwerp lyon marseille cork galway england scotland wales "
    "ireland britain europe france germany spain italy netherlands belgium poland sweden".split()
)
NOT_NAMES = frozenset(
    "monday tuesday wednesday thursday friday saturday sunday january february march april "
    "june july august september october november december q1 q2 q3 q4 hr finance team sales "
    "support admin accounts payroll it legal gdpr regards thanks kind dear sir madam ref "
    "attendees minutes notes subject re fw fwd".split()
)
COMPANY_LOOKALIKES: tuple[str, ...] = (
    "johnson matthey",
    "marks and spencer",
    "marks & spencer",
    "john lewis",
    "rolls-royce",
    "rolls royce",
    "morgan stanley",
    "ernst & young",
    "slaughter and may",
    "allen & overy",
    "clifford chance",
    "smith & nephew",
    "taylor wimpey",
    "aston martin",
    "paddy power",
    "sainsbury",
    "morrisons",
    "wm morrison",
    "barclays",
    "lloyds",
    "dyson",
    "whitbread",
    "schroders",
    "halfords",
    "jd sports",
    "tate & lyle",
    "procter & gamble",
    "johnson & johnson",
    "goldman sachs",
    "merrill lynch",
    "thomas cook",
    "harvey nichols",
    "ted baker",
    "laura ashley",
    "ralph lauren",
    "hugo boss",
    "calvin klein",
    "tommy hilfiger",
)
_LONGEST_LOOKALIKE = max(len(c) for c in COMPANY_LOOKALIKES)
COMPANY_SUFFIX = re.compile(
    r"^\s*(?:,\s*)?(?:Ltd|Limited|plc|PLC|LLP|LLC|Inc|GmbH|BV|SA|AG|Group|Holdings|& Co|and Co|"
    r"Partners|Associates|Solicitors|Consulting|Services|Solutions|Bank|Trust)\b"
)
_LOWER_WORD = re.compile(r"(?<![\w'’@.\-])[a-z]+(?![\w'’@.\-])")  # not inside e-mail addresses
_PLACE_HYPHEN = re.compile(r"-(?:upon|on|under|by|sur|le|la|les|en|de|am|an|im)-")
_TITLES = re.compile(r"^(?:(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Sir|Dame|Lord|Lady|Rev)\.?\s+)+")
NAME_CELL = re.compile(
    r"(?:(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof)\.?\s+)?[A-Z][a-zà-ÿ'’\-]+(?:[ \-][A-Z][a-zà-ÿ'’\-]+){0,3}"
    # HR and CRM exports: `SMITH, John`, `Smith, John Paul`
    r"|[A-Z][A-Za-zà-ÿ'’\-]+, [A-Z][a-zà-ÿ'’\-]+(?: [A-Z][a-zà-ÿ'’\-]+)?"
)


def looks_like_company(text: str, start: int, end: int) -> bool:
    """Company evidence for text[start:end].

    A suffix after it (here or after the same words elsewhere in the text), or the span sits
    inside a known surname-like company name.
    """
    if COMPANY_SUFFIX.match(text[end : end + 16]):
        return True
    lo = max(0, start - _LONGEST_LOOKALIKE)
    window = text[lo : end + _LONGEST_LOOKALIKE].casefold()
    for company in COMPANY_LOOKALIKES:
        pos = window.find(company)
        while pos != -1:
            if lo + pos < end and lo + pos + len(company) > start:
                return True
            pos = window.find(company, pos + 1)
    value = text[start:end]
    pos = text.find(value)
    while pos != -1:
        if COMPANY_SUFFIX.match(text[pos + len(value) : pos + len(value) + 16]):
            return True
        pos = text.find(value, pos + 1)
    return False


def plausible_name(value: str) -> bool:
    """Shape filter shared by NER spans and table cells."""
    words = value.split()
    if not words or len(words) > 4 or any(c.isdigit() or c in "@/:_#" for c in value):
        return False
    lowered = value.casefold()
    if COMPANY_SUFFIX.match(words[-1]) or words[0].casefold() in {"the", "a", "an"}:
        return False
    if _PLACE_HYPHEN.search(value):  # `Stratford-upon-Avon`, `Vaillant-sur-Morvan`
        return False
    if lowered in PLACES or all(w.casefold().strip(".,") in NOT_NAMES for w in words):
        return False
    if not all(w[:1].isupper() for w in words if w.casefold() not in {"de", "van", "von", "da"}):
        return False
    if any(w.isupper() and len(w) <= 3 for w in words):  # acronyms: `VAT GB`, `HR`, `NHS`
        return False
    return not (len(words) == 1 and value.isupper() and len(value) > 3)


def name_score(value: str) -> float:
    """Two or more words 0.85, one word 0.6 (a lone word is as often a brand or place)."""
    return 0.85 if len(value.split()) > 1 else 0.6


class SpacyPersonRecognizer(EntityRecognizer):
    """PERSON entities from the spaCy doc in nlp_artifacts, filtered (module docstring)."""

    ENTITY = "PERSON"
    name: str  # set by EntityRecognizer.__init__

    def __init__(self) -> None:
        super().__init__(supported_entities=[self.ENTITY], name=type(self).__name__)

    def load(self) -> None:
        """Do nothing: the engine loads the model once, not per recognizer."""

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: Any = None
    ) -> list[RecognizerResult]:
        """Return filtered PERSON spans; none when no spaCy doc is given."""
        if nlp_artifacts is None or (entities and self.ENTITY not in entities):
            return []
        out = []
        lower_words: set[str] | None = None
        for ent in nlp_artifacts.entities:
            if ent.label_ not in ("PERSON", "PER"):
                continue
            start, end = ent.start_char, ent.end_char
            cut = text.find("\n", start, end)
            end = cut if cut >= 0 else end  # a span never runs into the next line
            value = text[start:end]
            title = _TITLES.match(value)
            if title:
                start += title.end()
            if text[end - 2 : end] in ("'s", "’s"):
                end -= 2
            value = text[start:end].strip()
            if not plausible_name(value) or looks_like_company(text, start, end):
                continue
            if lower_words is None:
                lower_words = set(_LOWER_WORD.findall(text))
            if all(w.casefold() in lower_words for w in value.split()):
                continue  # `Reporting Bugs`: every word is also used as a common word here
            out.append(self._result(start, end, name_score(value)))
        return out

    def _result(self, start: int, end: int, score: float) -> RecognizerResult:
        return RecognizerResult(
            entity_type=self.ENTITY,
            start=start,
            end=end,
            score=score,
            recognition_metadata={
                RecognizerResult.RECOGNIZER_NAME_KEY: self.name,
                RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id,
            },
        )


_NAME = r"[A-Z][a-z'’\-]+(?: [A-Z][a-z'’\-]+){0,2}"


class CuedNameRecognizer(ShapeRecognizer):
    """Names after a title or a salutation/label cue, where the model may miss them."""

    ENTITY = "PERSON"
    SHAPES = (
        Shape("title", rf"\b(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof)\.? ({_NAME})", 0.85, group=1),
        Shape(
            "dear",
            rf"\b(?:Dear|Hi|Hello) (?:(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof)\.? )?({_NAME})(?=[,\n])",
            0.85,
            group=1,
        ),
        # Chat and meeting transcripts: `[09:14] Karl Townsend: morning`
        Shape(
            "speaker",
            rf"(?m:^[ \t]*\[?\d{{1,2}}:\d{{2}}(?::\d{{2}})?\]?[ \t]+)({_NAME})(?=:)",
            0.85,
            group=1,
        ),
        Shape(
            "label",
            rf"(?im:^[ \t]*(?:name|full name|employee|employee name|contact|patient|applicant|"
            rf"candidate|tenant|signed|signature)[ \t]*:[ \t]*)({_NAME})(?=[ \t]*(?:$|\n|,|\())",
            0.85,
            group=1,
        ),
    )
    DAMPING = ()
    BOOST = 0.0
    PREFILTER = re.compile(r"\b(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Dear|Hi|Hello)\b|:", re.IGNORECASE)

    def validate(self, value: str) -> bool:
        """Apply the same shape filter as to the model's spans."""
        return plausible_name(value)

    def adjust(self, text: str, start: int, end: int, score: float) -> float:
        """Company evidence drops the span."""
        return 0.0 if looks_like_company(text, start, end) else score
