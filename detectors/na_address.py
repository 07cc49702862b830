"""Street addresses in the number-first layouts of the US, Canada, Australia and New Zealand.

`2328 Figueroa Skyway Apt. 290`, then `Kimberlyview, NJ 78456` on the same line after a comma
or on the next; `715 Robert Drive Suite 466, North Cassidyton, NS Y4L 1X5`; `66/9 Maynard
Copse, Connorberg, WA, 2674`; `142 Whakapuketahi Street, Rohewhanga 6012`. A UK firm's
customers and suppliers write these too, and so do the exports of tools made for the US market
whatever the country (many address generators and CRMs use this layout for every locale), so
the names may be in any script: `8695 Ambrasas Junction`, `669 Бранков Wells`.

A street line is a house number, one to three capitalised words and a street type from the
USPS and Australia Post lists (`Street`, `Skyway`, `Forge`, `Copse`, with the usual
abbreviations). Most types are also everyday English words (`Union`, `Dale`, `View`), so the
line alone scores 0.4 and needs a cue; with an apartment or suite after it, 0.55; followed by a
town, a state or province code and its postcode shape (ZIP, Canadian postal code, four-digit
Australian postcode), or a town and a four-digit postcode (New Zealand), 0.85: that tail is
what makes it an address. US military mail (`PSC 2105, Box 0176, APO AP 67239`, `USNS Lopez,
FPO AE 04531`) has no street at all; its APO/FPO/DPO line is the tail, 0.85; so does a post
office box (`PO Box 86, Terepo 9852`, `GPO Box 12, Sydney NSW 2001`) with that tail after it.
New Zealand's rural delivery number may stand before the town (`RD 1 Horowharetoa 5795`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from detectors.pattern import Shape, ShapeRecognizer

# Capitals of the Latin, Greek and Cyrillic scripts: the name words of a street or town.
_UP = "A-ZÀ-ÖØ-ÞĀ-ŽΆ-ΏΑ-ΩЀ-Я"
_WORD = rf"[{_UP}][^\W\d_]*(?:['’\-][^\W\d_]+)*"
# USPS street suffixes (Publication 28, C1) and Australia Post's road types, whole and short.
_TYPES = (
    "Alley|Aly|Annex|Arcade|Avenue|Ave|Av|Bayou|Beach|Bend|Bluffs?|Bottom|Boulevard|Blvd|"
    "Branch|Bridge|Brg|Brooks?|Burgs?|Bypass|Camp|Canyon|Cape|Causeway|Centers?|Centre|Ctr|"
    "Circles?|Cir|Cliffs?|Club|Commons?|Corners?|Course|Courts?|Ct|Coves?|Creek|Crescent|Cres|"
    "Crest|Crossing|Crossroad|Curve|Dale|Dam|Divide|Drives?|Dr|Estates?|Expressway|Expy|"
    "Extensions?|Falls?|Ferry|Fields?|Flats?|Fords?|Forest|Forges?|Forks?|Fort|Freeway|Fwy|"
    "Gardens?|Gateway|Glens?|Greens?|Groves?|Harbors?|Haven|Heights|Hts|Highway|Hwy|Hills?|"
    "Hollow|Inlet|Islands?|Isle|Junctions?|Keys?|Knolls?|Lakes?|Landing|Lane|Ln|Lights?|"
    "Loaf|Locks?|Lodge|Loop|Mall|Manors?|Meadows?|Mews|Mills?|Mission|Motorway|Mount|"
    "Mountains?|Mtn|Neck|Orchard|Oval|Overpass|Parks?|Parkways?|Pkwy|Pass|Passage|Path|Pike|"
    "Pines?|Place|Pl|Plains?|Plaza|Points?|Ports?|Prairie|Radial|Ramp|Ranch|Rapids?|Rest|"
    "Ridges?|River|Roads?|Rd|Route|Row|Rue|Run|Shoals?|Shores?|Skyway|Springs?|Spurs?|"
    "Squares?|Sq|Station|Stravenue|Stream|Streets?|St|Summit|Terrace|Ter|Throughway|Trace|"
    "Track|Trafficway|Trail|Trl|Trailer|Tunnel|Turnpike|Underpass|Unions?|Valleys?|Via|"
    "Viaduct|Views?|Villages?|Ville|Vista|Walks?|Wall|Ways?|Wells?|"
    # Australia Post road types beyond the USPS list
    "Approach|Brace|Broadway|Chase|Circuit|Close|Concourse|Copse|Corso|Crossway|Cul-de-sac|"
    "Cutting|Esplanade|Gap|Glade|Grange|Grove|Hill|Loop|Nook|Outlook|Parade|Pathway|Pocket|"
    "Promenade|Quays?|Reserve|Retreat|Ridgeway|Rise|Round|Serviceway|Strand|Top|Tor|Vale|"
    "Wharf|Wynd|Access|Alleyway|Amble|Anchorage|Artery|Basin|Brae|Brow|Byway|Centreway|"
    "Circlet|Circus|Colonnade|Courtyard|Cross|Cruiseway|Dell|Deviation|Driveway|Elbow|End|"
    "Entrance|Fairway|Firetrail|Footway|Foreshore|Formation|Frontage|Front|Gates?|Gully|"
    "Highroad|Interchange|Laneway|Lees|Link|Lookout|Meander|Parklands|Piazza|Plateau|"
    "Quadrangle|Quadrant|Quad|Ramble|Range|Reach|Ride|Riverway|Riviera|Roadside|Roadway|"
    "Ronde|Rosebowl|Rotary|Siding|Slope|Steps|Strip|Subway|Tarn|Thoroughfare|Tollway|Towers|"
    "Triangle|Trunkway|Turn|Villas|Wade|Walkway|Yard"
)
_NUMBER = r"\d{1,6}[A-Za-z]?(?:[/\-]\d{1,5}[A-Za-z]?)?"
_STREET = re.compile(
    rf"(?<![\w/\-.,]){_NUMBER},?[ \t]+(?:{_WORD}[ \t]+){{1,3}}(?:{_TYPES})\.?(?![\w'’\-])"
)
_UNIT = re.compile(
    r",?[ \t]+(?:Apt|Apartment|Suite|Ste|Unit|Floor|Fl|Room|Rm|Lot|#)\.?[ \t]?#?"
    r"[A-Za-z]?\d{1,5}[A-Za-z]?(?![\w\-])"
)
_STATES = (
    # US states, DC, territories and the military post codes
    "AL|AK|AZ|AR|CA|CO|CT|DE|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|NE|NV|NH|"
    "NJ|NM|NY|NC|ND|OH|OK|OR|PA|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY|DC|AS|GU|MP|PR|VI|FM|MH|"
    "PW|AA|AE|AP|"
    # Canadian provinces and territories, Australian states and territories
    "AB|BC|MB|NB|NL|NS|NT|NU|ON|PE|QC|SK|YT|NSW|VIC|QLD|SA|TAS|ACT"
)
_POSTCODE = r"(?:\d{5}(?:-\d{4})?|[A-Z]\d[A-Z][ \t]?\d[A-Z]\d|\d{4})"
_TOWN = rf"{_WORD}(?:[ \t]+{_WORD}){{0,3}}"
_TAIL = re.compile(
    rf"(?:,[ \t]*\n?|[ \t]*\n)[ \t]*{_TOWN},?[ \t]+(?:{_STATES}),?[ \t]+{_POSTCODE}(?![\w\-])"
)
# US military mail (USPS Publication 28, 2.4): a unit or ship's box, then APO/FPO/DPO, the
# `state` AA, AE or AP and a ZIP Code: `PSC 2105, Box 0176, APO AP 67239`.
_MILITARY = re.compile(
    r"(?<![\w/\-])(?:(?:PSC|CMR|Unit)[ \t]+\d{1,5},?[ \t]+Box[ \t]+\d{1,5}"
    rf"|(?:USNS|USS|USCGC)[ \t]+{_WORD}(?:[ \t]+{_WORD})?)"
    r",?(?:[ \t]*\n)?[ \t]*(?:APO|FPO|DPO)[ \t]+(?:AA|AE|AP)[ \t]+\d{5}(?:-\d{4})?(?![\w\-])"
)
# New Zealand (and Australian mail written without the state): the town, then a four-digit
# postcode; a year after a town (`London 2019`) is no postcode. A rural delivery number may
# precede the town (`RD 1 Horowharetoa 5795`, NZ Post's rural addresses). A Canadian postal
# code is telling enough without its province (`Kernersville Z8Z 3S5`).
_TAIL_NO_STATE = re.compile(
    rf"(?:,[ \t]*\n?|[ \t]*\n)[ \t]*(?:RD[ \t]+\d{{1,2}},?[ \t]+)?{_TOWN}[ \t]+"
    r"(?:(?!(?:19|20)\d\d\b)\d{4}|[A-Z]\d[A-Z][ \t]?\d[A-Z]\d)(?![\w\-.,/]\w)"
)
# A post-office box instead of a street (`PO Box 581`, `GPO Box 12`, NZ's `Private Bag 4`):
# an address only with the town and postcode after it, like a street line.
_BOX = re.compile(
    r"(?<![\w/\-])(?:P\.?[ \t]?O\.?[ \t]?Box|GPO[ \t]+Box|Private[ \t]+Bag|Locked[ \t]+Bag)"
    r"[ \t]+\d{1,6}(?![\w\-])"
)


def _tail(text: str, pos: int) -> re.Match[str] | None:
    """The town, state or province and postcode after a street or box line, or None."""
    return _TAIL.match(text, pos) or _TAIL_NO_STATE.match(text, pos)


class NorthAmericanAddressRecognizer(ShapeRecognizer):
    """US, Canadian and Australian street lines, with their town, state and postcode."""

    ENTITY = "ADDRESS"
    SHAPES = (
        Shape("street", "", 0.4),
        Shape("street+unit", "", 0.55),
        Shape("street+state+postcode", "", 0.85),
        Shape("military", "", 0.85),
        Shape("box+postcode", "", 0.85),
    )
    CONTEXT = (
        "address",
        "lives at",
        "resides",
        "residing",
        "home",
        "mailing",
        "ship to",
        "shipping",
        "billing address",
        "correspondence",
        "deliver",
        "street",
    )
    DAMPING = ()
    BOOST = 0.3
    CHECK = "state and postcode shape"
    # A house number, a space and a capital: every street line starts so; military mail has
    # its APO/FPO/DPO line instead, a post-office box its number.
    PREFILTER = re.compile(rf"\d,?[ \t]+[{_UP}]|[ADF]PO[ \t]+A[AEP][ \t]+\d|B(?:ox|ag)[ \t]+\d")
    SCOUTS = (_STREET, _MILITARY, _BOX)

    def __init__(self) -> None:
        super().__init__()
        self._shapes = []  # candidates() extends each street line itself

    def check_note(self, shape: str) -> str:
        """Only a line with its state and postcode was checked by their shapes."""
        checked = ("street+state+postcode", "military", "box+postcode")
        return super().check_note(shape) if shape in checked else ""

    def candidates(self, text: str) -> Iterator[tuple[int, int, float, str]]:
        """Street lines, extended over a unit and a town-state-postcode tail."""
        for m in _STREET.finditer(text):
            end = m.end()
            unit = _UNIT.match(text, end)
            if unit:
                end = unit.end()
            tail = _tail(text, end)
            if tail:
                yield m.start(), tail.end(), 0.85, "street+state+postcode"
            elif unit:
                yield m.start(), end, 0.55, "street+unit"
            else:
                yield m.start(), end, 0.4, "street"
        if "PO " in text:
            for m in _MILITARY.finditer(text):
                yield m.start(), m.end(), 0.85, "military"
        if "Box" in text or "Bag" in text:
            for m in _BOX.finditer(text):
                tail = _tail(text, m.end())
                if tail:
                    yield m.start(), tail.end(), 0.85, "box+postcode"
