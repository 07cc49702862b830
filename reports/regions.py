r"""Locations and principals: the small vocabularies the notice's rules compare against.

The notice speaks in regions ("stored within the EU", "offsite location in the UK") while sources
report countries (a share's site, a mailbox's data centre), so "DE" must satisfy `locations =
["EU"]`. Access lists speak in principals ("FLOTECH\\finance", "Everyone") while the notice speaks
in groups ("employees involved in the finance process"), so a principal matches a declared group
by its bare name.
"""

from __future__ import annotations

# EU member states by ISO 3166-1 alpha-2, plus "EL", the code the EU itself uses for Greece.
EU = frozenset(
    "AT BE BG HR CY CZ DK EE FI FR DE GR EL HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE".split()
)
# The UK left the EU in 2020; the notice (2018) names both, so they stay separate regions.
REGIONS: dict[str, frozenset[str]] = {
    "EU": EU,
    "EEA": EU | {"IS", "LI", "NO"},
    "UK": frozenset({"UK", "GB"}),
    "GB": frozenset({"UK", "GB"}),
}

# Principals that mean "anyone in the organisation or beyond": a declared reader list can never
# cover them. Compared after `bare_principal`, so "BUILTIN\\Users" and "NT AUTHORITY\\Authenticated
# Users" land here; SIDs are the well-known ones for Everyone, Anonymous, Authenticated Users and
# BUILTIN\\Users. Office 365 sharing links are principals of their own (sources/graph_files.py):
# "anyone" links and organisation-wide links, and SharePoint's "Everyone except external users".
BROAD_PRINCIPALS = frozenset(
    {
        "everyone",
        "everyone except external users",
        "anyone with the link",
        "people in the organisation with the link",
        "world",
        "all users",
        "anonymous logon",
        "authenticated users",
        "users",
        "domain users",
        "guests",
        "domain guests",
        "s-1-1-0",
        "s-1-5-7",
        "s-1-5-11",
        "s-1-5-32-545",
        "s-1-5-32-546",
    }
)

# Principals on nearly every Windows ACL by design (the OS itself and administrators). Flagging
# them would mark every file on every share, and the notice's "authorised users" includes the
# people who run the systems; so they are not counted as readers.
SYSTEM_PRINCIPALS = frozenset(
    {
        "system",
        "creator owner",
        "administrators",
        "domain admins",
        "enterprise admins",
        "root",
        "s-1-5-18",
        "s-1-3-0",
        "s-1-5-32-544",
    }
)


def expand(locations: tuple[str, ...] | list[str]) -> frozenset[str]:
    """Every code a list of allowed locations admits: the codes themselves and regions' members."""
    codes: set[str] = set()
    for loc in locations:
        up = loc.upper()
        codes.add(up)
        codes |= REGIONS.get(up, frozenset())
    return frozenset(codes)


def location_allowed(location: str, allowed: tuple[str, ...] | list[str]) -> bool:
    """Whether data stored at `location` (a country or a region) stays inside `allowed`.

    A region as the item's location is allowed only when all of it is: an item reported as "EU"
    does not satisfy a store that allows only "DE".
    """
    admitted = expand(allowed)
    up = location.upper()
    if up in admitted:
        return up not in REGIONS or REGIONS[up] <= admitted
    return False


def bare_principal(principal: str) -> str:
    r"""`DOMAIN\\name`, `name@domain` and `Name` all become `name`, for matching against groups."""
    name = principal.strip().rsplit("\\", 1)[-1]
    if "@" in name and not name.startswith("@"):
        name = name.split("@", 1)[0]
    return name.casefold()


def reader_problem(principal: str, declared: tuple[str, ...]) -> str | None:
    """Why `principal` reading an item exceeds the declared readers, or None when it does not."""
    bare = bare_principal(principal)
    full = principal.strip().casefold()
    if bare in BROAD_PRINCIPALS or full in BROAD_PRINCIPALS:
        return "broad"
    if bare in SYSTEM_PRINCIPALS or full in SYSTEM_PRINCIPALS:
        return None
    if bare in {bare_principal(g) for g in declared}:
        return None
    return "not_declared"
