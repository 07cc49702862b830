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
    text = (ROOT / "config.example.toml").read_text(encoding="utf-8")
    notice = squash(notice_text())
    # A quote is a comment run starting with `# "`, possibly continued on the next comment lines.
    quotes = re.findall(r'#\s*"((?:[^"]|\n#)+?)"', text)
    assert len(quotes) >= 12
    for quote in quotes:
        sentence = squash(quote.replace("\n#", " "))
        assert sentence in notice, sentence
    stores = text.split("\n[[store]]\n")[1:]
    assert len(stores) == 6
    for block in stores:
        assert '# "' in block.split("[[source]]")[0], block[:60]
