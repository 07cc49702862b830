"""What a person's name looks like, and the evidence that a capitalised span is one.

Kept apart from the recognizers (detectors/names.py) as the detect-secrets habit of filters as
their own layer. Three questions, answered in this order:
1. Shape: every word a capitalised name word (`Szász`, `O'Neil`, `McDonald`, `Anne-Marie`), an
   initial (`M.`), or a surname particle (`van der`); no digits, `@`, `_`, `#`; CamelCase inside
   a word (`QueryWrap`, `GeordieScore`) is a code identifier or hashtag, not a name.
2. Counter-evidence: a company suffix after it (`Ltd`, `plc`) here or after the same words
   elsewhere in the text, a known surname-like company, a place, a weekday, every word also
   used in lower case in the same text (`Reporting Bugs` next to `bugs`).
3. Evidence (detectors/gazetteer.py): a known forename first, a known name and surname, or an
   initial between name words (`Ross G. Hoyt`). A lone word must be a known forename or an
   uncommon known surname. The model alone is not enough: on tweets and encyclopaedia text it
   tags bands, clubs, villages and hashtags as PERSON about half the time.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache

from detectors.gazetteer import (
    PARTICLES,
    WORD_MEMO,
    fold,
    is_common,
    is_forename,
    is_place,
    is_surname,
    is_word,
    known,
)
from scanner.privacy import CUE_TITLES, HONORIFICS, title_alternation

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
    "ireland britain europe france germany spain italy netherlands belgium poland sweden "
    "houston texas california florida washington australia america canada india china japan "
    "russia africa asia".split()
)
# Nationality words: the model calls `the French` or `German` a person now and then.
DEMONYMS = frozenset(
    "american british english french german spanish italian dutch irish scottish welsh danish "
    "swedish norwegian finnish polish russian chinese japanese indian australian canadian "
    "mexican brazilian greek turkish portuguese belgian swiss austrian czech hungarian "
    "romanian bulgarian croatian serbian ukrainian israeli arab muslim jewish "
    "catholic protestant roman african asian european latin".split()
)
# First words that make a capitalised span a place (`River Mersey`, `Lake Como`, `Mount Kenya`,
# `Loch Ness`, `Cape Cod`, `Fort Worth`, `Isle of Man`). `River` and `Cape` are also in the
# name lists, but before another capitalised word they name water and land far more often.
PLACE_LEADS = frozenset(
    "river lake mount mt loch lough cape fort isle lac lago monte mont port".split()
)
# First words that make a capitalised span a firm or a body in the customers' languages
# (`Banco Santander`, `Société Générale`, `Stichting Pensioenfonds`), where a role label
# (`Customer:`, `Titular:`) would otherwise make it a person.
ORG_LEADS = frozenset(
    "bank banco banque banca société sociedad società sociedade spółka sparkasse volksbank "
    "raiffeisenbank caisse caja stichting fondation fundación fundação fondazione stiftung "
    "association asociación associazione cooperativa".split()
)
# Last words that make a capitalised span a place, a team or an organisation, not a person.
NON_NAME_HEADS = frozenset(
    "street st road rd lane avenue ave drive way close court place square park gardens hall "
    "house station airport bridge hospital clinic school college university academy church "
    "cathedral chapel centre center hotel river lake island bay beach county city town village "
    "club fc united rovers group press records studio studios band orchestra festival award "
    "awards prize cup league trophy museum gallery theatre theater library foundation institute "
    "society council committee department ministry office agency party company bank fund trust "
    "act bill report day week month year show series tour album film movie game cross railroad "
    "railway brook pond creek mountain mountains tower stadium arena reservoir playfield casino "
    "mills mill field fields valley hill hills forest wood woods point harbour harbor port "
    "state states republic kingdom empire revolution war battle army navy force corps "
    "spa restaurant cafe bar pub grill kitchen sports news times post herald journal "
    "dock docks wharf quay pier canal metro works mall "
    # Roads a person's name is given to (`Sam Houston Tollway`, `Kennedy Expressway`)
    "highway freeway expressway parkway tollway motorway turnpike boulevard blvd crescent "
    "terrace hwy fwy pkwy expy tpke residence apartments "
    # Universities and institutes in the customers' languages (`Vrije Universiteit`)
    "universiteit universität universitat universidad università université uniwersytet "
    "högskolan hogeschool hochschule centrum zentrum instituut institut "
    "co".split()  # `Gray Co, TX`: a county
)
NOT_NAMES = frozenset(
    "monday tuesday wednesday thursday friday saturday sunday january february march april "
    "june july august september october november december q1 q2 q3 q4 hr finance team sales "
    "support admin accounts payroll it legal gdpr regards thanks kind dear sir madam ref "
    "attendees minutes notes subject re fw fwd copyright holder holders licence license author "
    "authors maintainer contributors version core mum dad mom jan feb mar apr jun jul aug sep "
    "sept oct nov dec mon tue wed thu fri sat sun "
    # Greetings in the languages of a UK firm's staff and customers (`Selamat Hari Jadi`,
    # `Mazal Tov`, `Feliz Navidad`): wishes, not names
    "selamat mazal mazel feliz joyeux joyeuses frohe frohes gelukkig buon buona".split()
)
# Feasts and holidays of the cultures a UK firm's staff and customers come from: a span that
# names one (`Hari Raya Card`, `Eid Mubarak`, `Chinese New Year Party`) is no person, though
# `Hari`, `Eid` or `Holi` may also be given names. One-word feasts that are also surnames
# (`Christmas`, `Easter`) are left out: alone they count as names.
HOLIDAYS: tuple[tuple[str, ...], ...] = tuple(
    tuple(h.split())
    for h in (
        "hari raya",
        "hari raya aidilfitri",
        "hari raya haji",
        "hari jadi",  # a birthday (`Selamat Hari Jadi`)
        "eid mubarak",
        "eid al-fitr",
        "eid al-adha",
        "eid ul-fitr",
        "eid ul-adha",
        "diwali",
        "deepavali",
        "hanukkah",
        "chanukah",
        "ramadan",
        "rosh hashanah",
        "yom kippur",
        "passover",
        "pesach",
        "vesak",
        "chuseok",
        "nowruz",
        "songkran",
        "thanksgiving",
        "kwanzaa",
        "hogmanay",
        "halloween",
        "lunar new year",
        "chinese new year",
        "new year",
        "boxing day",
        "mardi gras",
        "bonfire night",
        "guy fawkes night",
        "holi festival",
        "durga puja",
        "guru nanak jayanti",
        "vaisakhi",
        "baisakhi",
        "navratri",
        "mid-autumn festival",
        "dragon boat festival",
    )
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
# On the same line only: a name above a "Bank account" line is no company.
COMPANY_SUFFIX = re.compile(
    r"^[ \t]*(?:,[ \t]*)?(?:Ltd|Limited|plc|PLC|LLP|LLC|Inc|GmbH|BV|SA|AG|Group|Holdings|"
    r"& Co|and Co|& Company|and Company|& Sons|and Sons|Partners|Associates|Solicitors|"
    r"Consulting|Services|Solutions|Bank|Trust|Corp|"
    r"Corporation|"
    # Legal forms of the countries the notice's customers and suppliers are in
    r"Oyj|Oy|ASA|A/S|ApS|AB|NV|N\.V\.|B\.V\.|SpA|S\.p\.A\.|Srl|S\.r\.l\.|SARL|SAS|S\.A\.|"
    r"Kft|Zrt|Nyrt|Lda|Ltda|KG|d\.o\.o\.|s\.r\.o\.|Sp\. z o\.o\.|Gruppen|Pte|Pty)(?!\w)"
)
# Words of group mailboxes and teams that sign or receive mail (`Accounts Payable`, `IT Support`).
GROUP_WORDS = frozenset(
    "all everyone team group staff employees announcements recipients undisclosed list "
    "department committee desk office support admin info sales service services news "
    "newsletter distribution noreply mailer daemon postmaster helpdesk help account accounts "
    "payable receivable customer customers operations management board administration "
    "messaging".split()
)
# Frequent surnames that are also common words or place heads: after a listed forename they are
# the surname (`Amanda Hall`, `Jack Hill`); elsewhere the word (`Victoria Park`, `Town Hall`).
WORD_SURNAMES = frozenset(
    "hall hill wood woods long young king green white black brown gray grey price rose bell "
    "cook baker turner walker wright hunter carter cooper fisher ward mason porter marsh cross "
    "field fields ford lane bishop bird fox wolf day stone page parks park rich sharp short "
    "strong little moss read reid shepherd mills mill church bridge bridges brook brooks bush "
    "banks burns lake lamb lord love major march may miles mann marshall moon nash noble north "
    "oliver palmer parsons payne pool potter power rice ridge rivers rock rowe sage sands "
    "savage sawyer singer smart snow south spencer steel summers swan taylor tanner "
    "thatcher tower townsend vine wall walls warren waters webb west wells wheeler wild wilde "
    "winter wise woodward york".split()
)
# Words that may stand before a name without being part of it.
TITLE_WORDS = frozenset(
    "mr mrs ms miss mx dr prof sir dame lord lady rev president minister senator governor "
    "mayor judge justice colonel general captain major sergeant officer inspector detective "
    "chancellor secretary ambassador prince princess pope father sister brother coach chairman "
    "ceo director manager chief councillor cllr contact attn attention from to cc by payee "
    "payer signed name employee patient customer client tenant applicant candidate dear hi "
    "hello hey thanks regards cheers".split()
)
# A nickname in quotes between the words of a name (`Charalambos "Bambos" Xanthos`)
_NICKNAME = re.compile(r"(?<=\w)[ \t]+[\"“‘'][\w'’\-]+[\"”’'][ \t]+(?=\w)")
_PLACE_HYPHEN = re.compile(r"-(?:upon|on|under|by|sur|le|la|les|en|de|am|an|im)-")
# Titles in front of a model span (matched at the span's start: no `^`, which would only match
# at the start of the whole text, so a title mid-text went unseen before stop 34).
TITLES = re.compile(rf"(?:(?:{title_alternation([*CUE_TITLES, *HONORIFICS])})\.?\s+)+")
_INITIAL = re.compile(r"[A-Z]\.?")
_CLITIC = re.compile(r"['’](?:d|ll|m|re|ve|t)$|n['’]t$", re.IGNORECASE)
_ABBREVIATED = frozenset("jr. sr. jnr. snr. st.".split())
# Prefixes after which a capital inside a surname is ordinary: McDonald, MacArthur, DiCaprio.
_CAMEL_OK = frozenset("mc mac fitz de di da la le van von o d".split())
# Capitals of the Latin scripts of Europe (`Łukasz`, `Šmejkal`, `Őri`), not only Latin-1: a
# Polish or Czech name is a name too (regex class contents; the cue patterns use them as well).
LATIN_UPPER = "A-ZÀ-ÖØ-ÞĀĂĄĆČĎĐĒĖĘĚĞĢĪĮİĶĹĻĽŁŃŅŇŌŐŒŔŘŚŞŠŢŤŪŮŰŲŹŻŽ"
# Lower-case particles inside a name or opening a surname (`Auke van Hengel`, `do Couto`).
NAME_PARTICLE = r"(?:van|von|der|den|de|del|della|di|da|das|do|dos|du|la|le|te|ten|ter)"
_CELL_WORD = rf"[{LATIN_UPPER}][^\W\d_A-Z'’\-]*(?:['’\-][^\W\d_]+)*"
NAME_CELL = re.compile(
    rf"(?:(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof)\.?\s+)?{_CELL_WORD}"
    rf"(?:(?:[ ]{NAME_PARTICLE}){{0,2}}[ \-]{_CELL_WORD}){{0,3}}"
    # HR and CRM exports: `SMITH, John`, `Smith, John Paul`
    rf"|[{LATIN_UPPER}][^\W\d_'’\-]*(?:['’\-][^\W\d_]+)*, {_CELL_WORD}(?: {_CELL_WORD})?"
)


@lru_cache(maxsize=WORD_MEMO)
def word_kind(word: str) -> str:
    """`name`, `caps` (all capitals), `initial`, `particle`, or `bad` for one word of a span."""
    if _INITIAL.fullmatch(word):
        return "initial"
    if _CLITIC.search(word):
        return "bad"  # `I'd`, `Don't`: a contraction, not a name word
    if word.endswith(".") and word.casefold() not in _ABBREVIATED:
        return "bad"  # `Oke. Alright. Fine.`: a full stop ends a sentence, not a name word
    if word.casefold() in PARTICLES and word.islower():
        return "particle"
    letters = word.replace("'", "").replace("’", "").replace("-", "").replace(".", "")
    if not letters.isalpha() or not word[0].isupper():
        return "bad"
    if letters.isupper():
        return "caps" if len(letters) > 1 else "initial"
    for i, c in enumerate(word[1:], 1):
        if c.isupper() and word[i - 1] not in "-'’" and word[:i].casefold() not in _CAMEL_OK:
            return "bad"  # CamelCase: `QueryWrap`, `GeordieScore`
    return "name"


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


@cache
def _feasts() -> frozenset[tuple[str, ...]]:
    """HOLIDAYS that name no person alone, found once on first use.

    A one-word feast the name lists hold as a name counts only in a longer phrase: `Ramadan`
    and `Pesach` are given names too (`Ramadan Näf`). The lists load lazily, so this is not
    done at import, nor for every span.
    """
    return frozenset(h for h in HOLIDAYS if len(h) > 1 or not known(h[0]))


_FEAST_WORDS = max(map(len, HOLIDAYS))


def names_holiday(folded: list[str]) -> bool:
    """Whether the casefolded words hold a feast's name (_feasts) as consecutive words."""
    feasts = _feasts()
    return any(
        tuple(folded[i : i + n]) in feasts
        for n in range(1, min(_FEAST_WORDS, len(folded)) + 1)
        for i in range(len(folded) - n + 1)
    )


@lru_cache(maxsize=WORD_MEMO)
def plausible_name(value: str) -> bool:
    """Shape filter shared by NER spans, cue patterns and table cells (no list look-up).

    Memoised like the word look-ups it makes, because the answer depends on the value alone
    and values recur: on the ordinary documents 11,215 calls ask about 1,724 values.
    """
    nickname = _NICKNAME.search(value)
    if nickname:  # `Harold "Junior" Theriault`: the name is the words around the quotes
        return plausible_name(value[: nickname.start()] + " " + value[nickname.end() :])
    words = [w.rstrip(",") for w in value.split()]  # `Hardy, Fiona`
    if not words or len(words) > 5 or any(c.isdigit() or c in "@/:_#" for c in value):
        return False
    lowered = value.casefold()
    if COMPANY_SUFFIX.match(words[-1]) or words[0].casefold() in {"the", "a", "an"}:
        return False
    if _PLACE_HYPHEN.search(value):  # `Stratford-upon-Avon`, `Vaillant-sur-Morvan`
        return False
    folded = [w.casefold().strip(".,") for w in words]
    if lowered in PLACES or all(w in NOT_NAMES for w in folded) or names_holiday(folded):
        return False
    if len(words) > 1 and (folded[0] in PLACE_LEADS or folded[0] in ORG_LEADS):
        return False  # `River Mersey`, `Mt. Dillon`, `Banco Santander`: not a person
    if words[0].casefold() in DEMONYMS or (
        words[-1].casefold() in NON_NAME_HEADS and not forename_surname(words)
    ):
        return False  # `Victoria Station`, `German Air Force`; but `Jack Hill`, `Amanda Hall`
    if is_place(value) and not (len(words) == 1 and known(value)):
        return False  # `Santa Clara`, `Zandvoort`; but `Obama` or `Florence` alone may be a person
    kinds = [word_kind(w) for w in words]
    if "bad" in kinds or not any(k in ("name", "caps") for k in kinds):
        return False
    # Acronyms (`VAT GB`, `HR`, `NHS`) are all capitals; a name in capitals must be a known one.
    return all(known(w) for w, k in zip(words, kinds, strict=True) if k == "caps")


def name_like_word(word: str) -> bool:
    """A title-case word that can hardly be anything but a name, listed or not.

    No English word, no common word, no place, nor a word the lists say is not a name
    (`Monday`): `Luda` in `Ty, Luda, Jason & Michelle`.
    """
    return (
        word_kind(word) == "name"
        and not is_word(word)
        and not is_common(word)
        and not is_place(word)
        and word.casefold() not in NOT_NAMES
    )


def lone_forename(word: str) -> bool:
    """A listed forename that is a name-like word: a person even when alone.

    `Tanya`, `Trish`, `Dennis`; not `Will`, `Grace`, `Florence`, `Jordan` (which name other
    things as often), nor a hyphenated word (`Lee-Roberts` is more often a double-barrelled
    surname or a firm), nor one in capitals (`PAM` and `SUSE` alone on a line are a heading
    and a company).
    """
    return "-" not in word and is_forename(word) and name_like_word(word)


def forename_surname(words: list[str]) -> bool:
    """A listed forename, then a surname that is also a word (`Amanda Hall`, `Wayne Long`)."""
    return len(words) > 1 and is_forename(words[0]) and fold(words[-1]) in WORD_SURNAMES


def name_evidence(value: str, opening: bool = False) -> float:
    """Score a plausible span by list evidence: 0.85 name, 0.6 lone name word, 0 no evidence.

    `opening`: the span opens a sentence, where a capital says nothing, so a lone surname that
    is also an English word (`Proud`, `Gear`) is taken for the word.
    """
    words = value.split()
    kinds = [word_kind(w) for w in words]
    core = [w for w, k in zip(words, kinds, strict=True) if k in ("name", "caps")]
    if len(core) == 1:
        only = core[0]
        if "initial" in kinds and kinds[-1] != "initial" and is_surname(only):
            return 0.85  # `J. Cole`, `A. Smith`
        if is_forename(only) or (
            is_surname(only) and not is_common(only) and not (opening and is_word(only))
        ):
            return 0.6

        return 0.0
    first, last = core[0], core[-1]
    if "initial" in kinds[1:-1]:
        return 0.85  # `Ross G. Hoyt`, `Janka M. Szász`
    if is_word(first) and is_word(last) and not known(last):
        return 0.0  # `Come Dine`, `Good Luck`: two English words, the last no listed name
    if is_forename(first) or (known(first) and is_surname(last) and not is_common(last)):
        return 0.85
    if (
        len(core) == 2
        and is_surname(last)
        and not any(is_word(w) or is_place(w) or not w.isalpha() for w in core)
    ):
        return 0.85  # `Inayat Khan`: a listed surname after a name-shaped word that is no word
    if unlisted_name(words):
        return 0.6  # `Sanath Jayasuriya`: two or three name-like words the lists do not hold
    return 0.0


# A word of an unlisted name: Latin script (the English model cannot judge Greek or Cyrillic),
# three to thirteen letters (`Myung Ga` is a restaurant; `Redherringgames` a joined-up handle).
_UNLISTED_WORD = re.compile(r"[A-ZÀ-ÖØ-ÞĀ-Ž][a-zß-öø-ÿā-ž'’\-]{2,12}")


def unlisted_name(words: list[str]) -> bool:
    """Two or three different name-like words: a name from outside the lists, if the model agrees.

    The lists hold Europe's and America's common names; news and a firm's customers hold the
    rest of the world's (`Sanath Jayasuriya`, `Hristo Stoichkov`, `Thabo Mbeki`). No English,
    common or place word may be among them (`Linkin Park`, `Perth Glory`), so only the model's
    PERSON label and the words' shape speak for them: weaker evidence than a listed name.
    """
    return (
        1 < len(words) < 4
        and len({w.casefold() for w in words}) == len(words)
        and all(unlisted_word(w) for w in words)
        and not any(w.casefold() in PARTICLES for w in words)  # `Der Rosenkavalier`, `Costa Del`
    )


@lru_cache(maxsize=WORD_MEMO)
def unlisted_word(word: str) -> bool:
    """A word that may be part of an unlisted name; memoised, as the name gate asks per word."""
    return bool(_UNLISTED_WORD.fullmatch(word)) and name_like_word(word)


_LEAD_WORD = re.compile(r"(\S+)[ \t]+(?=\S)")


def _not_a_name_word(word: str, leading: bool = False) -> bool:
    """Boilerplate or a common word that is no name (`Copyright`, `Remove`, `Thanks`).

    Before a name any English word that is no listed name goes (`Unlucky Andy Murray`); after
    one only common words do, since surnames missing from the lists are often words too
    (`Harry Turtledove`, `Jerry Quarry`).
    """
    w = word.casefold().strip(".")
    if w in NOT_NAMES:
        return True
    if leading and len(w) > 1:
        return is_word(w) and not known(w)
    return is_common(word) and not known(word)


_EDGE = " \t\r\n'\"‘’“”,;:!?()[]{}<>*|-–—"


def trim(text: str, start: int, end: int) -> tuple[int, int, bool]:
    """Tighten a model span to the name: one line, no title, no possessive, no quotes around.

    Returns the new bounds and whether a title (`Mr`, `Dr`) stood in front (a cue in itself).
    """
    cut = text.find("\n", start, end)
    end = cut if cut >= 0 else end  # a span never runs into the next line
    while start < end and text[start] in _EDGE:
        start += 1
    title = TITLES.match(text, start, end)
    if title:
        start = title.end()
    while (lead := _LEAD_WORD.match(text, start, end)) and _not_a_name_word(lead.group(1), True):
        start = lead.end()  # `Copyright Thomas Nagy`, `Remove Hartmut Penner`
    while end > start and text[end - 1] in _EDGE:
        end -= 1
    if text[end - 2 : end] in ("'s", "’s"):
        end -= 2
    if end - start > 2 and text[end - 1] == "." and text[end - 3] != " ":
        end -= 1  # a full stop after a word ends the sentence; after an initial it is the name's
    while end > start and text[end - 1] in _EDGE:
        end -= 1
    # `Howard Chu All Rights Reserved`: the name stops at the first common word after it.
    words = list(re.finditer(r"\S+", text[start:end]))
    for w in words[1:]:
        if _not_a_name_word(w[0]) and w[0].casefold() not in PARTICLES:
            end = start + w.start()
            while end > start and text[end - 1] in _EDGE:
                end -= 1
            break
    return start, end, bool(title)


def used_in_lower_case(value: str, lower_words: set[str]) -> bool:
    """Every name word of the span also occurs in lower case in the same text."""
    return all(w.casefold().strip(".,") in lower_words for w in value.split() if len(w) > 2)
