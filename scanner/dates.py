"""Calendar dates as people write them: `12/03/1985`, `1985-03-12`, `3rd of March 1979`.

In the kernel because two layers read them the same way: the date-of-birth detector validates
what it found (detectors/dob.py), and keyed hashing (scanner/privacy.py) turns every way of
writing one birthday into one hash, so `noticescan person` finds it however it was written.
"""

from __future__ import annotations

import re
from datetime import date

MONTHS = (
    "January|February|March|April|May|June|July|August|September|October|November|December|"
    "Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec"
)
_MONTH_NO = {m.lower(): i for i, m in enumerate(MONTHS.split("|")[:12], start=1)}
_MONTH_NO.update({m[:3].lower(): i for m, i in list(_MONTH_NO.items())})
_MONTH_NO["sept"] = 9
_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def parse_date(value: str) -> date | None:
    """Day-first numeric, ISO, or written dates; two-digit years are 19xx/20xx by closeness."""
    v = value.strip().rstrip(".,")
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", v):
            y, m, d = (int(x) for x in v.split("-"))
            return date(y, m, d)
        nums = re.split(r"[/.\-]", v)
        if len(nums) == 3 and all(n.isdigit() for n in nums):
            d, m, y = (int(x) for x in nums)
            if len(nums[2]) == 2:
                y += 2000 if y <= date.today().year % 100 else 1900
            return date(y, m, d)
        words = [w for w in _NON_ALNUM.sub(" ", v.casefold()).split() if w != "of"]
        day = next(int(re.sub(r"\D", "", w)) for w in words if w[0].isdigit() and len(w) <= 4)
        year = next(int(w) for w in words if w.isdigit() and len(w) == 4)
        month = next(_MONTH_NO[w] for w in words if w in _MONTH_NO)
        return date(year, month, day)
    except (ValueError, StopIteration):
        return None
