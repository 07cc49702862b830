"""config.example.toml encodes the seed privacy notice, and every quote in it is the notice's."""

from __future__ import annotations

import re
from pathlib import Path

from scanner import config as cfg
from sources.registry import source_class

ROOT = Path(__file__).resolve().parents[1]


def notice_text() -> str:
    """The notice the example encodes: the copy in examples/ (equal to shared/ when present)."""
    text = (ROOT / "examples" / "privacy-notice.txt").read_text(encoding="utf-8")
    for parent in ROOT.parents:
        shared = parent / "shared" / "notice" / "privacy-notice.txt"
        if shared.exists():
            assert shared.read_text(encoding="utf-8") == text, "examples/ copy differs from shared/"
            break
    return text


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("’", "'")).strip()


def test_example_config_loads_and_maps_the_demo_estate() -> None:
    c = cfg.load(ROOT / "config.example.toml")
    assert [s.id for s in c.stores] == [
        "accounts-system",
        "crm",
        "email-marketing",
        "file-servers",
        "email-system",
        "backups",
    ]
    by_id = {s.id: s for s in c.stores}
    assert by_id["accounts-system"].retention_years == 7
    assert by_id["backups"].encrypted and by_id["backups"].locations == ("UK",)
    sources = {s.id: s for s in c.sources}
    assert sources["hr"].store == "undeclared"
    assert sources["marketing"].location == "US"
    assert {s.options["path"] for s in c.sources} == {
        f"examples/estate/{d}"
        for d in ("accounts", "crm", "marketing", "engineering", "hr", "mail", "backups")
    }
    for s in c.sources:
        source_class(s)(s, c)  # each source type accepts its options


def test_every_quoted_sentence_is_in_the_notice() -> None:
    """Each store quotes the notice (its `notice_quote`, shown as a violation's "why") exactly."""
    notice = squash(notice_text())
    stores = cfg.load(ROOT / "config.example.toml").stores
    quotes = [(s.id, key, text) for s in stores for key, text in s.notice_quote.items()]
    assert len(quotes) >= 12
    for store_id, key, text in quotes:
        assert squash(text) in notice, (store_id, key, text)
    for s in stores:  # every rule a store sets rests on a sentence of the notice
        assert s.notice_quote, s.id
        for setting, value in (
            ("categories", s.categories),
            ("retention_years", s.retention_years),
            ("locations", s.locations),
            ("readers", s.readers),
            ("encrypted", s.encrypted),
        ):
            if value:
                assert s.quote_for(setting), (s.id, setting)
    # Comments may quote the notice too (`# "..."`, possibly over several comment lines).
    text = (ROOT / "config.example.toml").read_text(encoding="utf-8")
    for quote in re.findall(r'#\s*"((?:[^"]|\n#)+?)"', text):
        assert squash(quote.replace("\n#", " ")) in notice, quote
