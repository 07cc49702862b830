"""The report in a real browser: headless Chromium renders it and we read the resulting DOM.

Chromium is Debian's package, installed by scripts/install-test-deps.sh when missing. The filter
state is URL-driven (`report.html#kind=retention_exceeded`), which is exactly what a person's
bookmark or a link from the kind/store overview does, so `--dump-dom` of such a URL shows the
DOM after our script has applied the filter.
"""

from __future__ import annotations

import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from reports import html, scope
from tests.reports.conftest import config
from tests.reports.test_html import HOSTILE, STORE, hostile_scan

pytestmark = pytest.mark.chromium
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def chromium() -> str:
    path = shutil.which("chromium")
    if path is None:
        subprocess.run(["bash", str(ROOT / "scripts" / "install-test-deps.sh")], check=True)
        path = shutil.which("chromium")
    assert path, "chromium is missing and scripts/install-test-deps.sh did not install it"
    return path


def dump_dom(chromium: str, url: str, profile: Path) -> str:
    done = subprocess.run(
        [
            chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={profile}",
            "--dump-dom",
            url,
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "<html" in done.stdout, done.stderr[-2000:]
    return done.stdout


class Dom(HTMLParser):
    """The rendered DOM's elements, violation rows (with visibility) and figure texts."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.rows: list[tuple[str, bool, str]] = []  # (kind, hidden, text)
        self.figures: dict[str, str] = {}
        self.ids: dict[str, str] = {}
        self._row: list[str] | None = None
        self._capture: str | None = None
        self._in_violations = False
        self._fig = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        self.tags.append(tag)
        if tag == "table":
            self._in_violations = a.get("id") == "violations"
        if tag == "tr" and self._in_violations and "data-kind" in a:
            self._row = [a["data-kind"] or "", "hidden" if "hidden" in a else "", ""]
        if a.get("id") == "vcount" or a.get("class") == "num":
            self._capture = a.get("id") or "num"
        if tag == "div" and (a.get("id") or "").startswith("fig-"):
            self._fig = (a.get("id") or "")[4:]

    def handle_endtag(self, tag: str) -> None:
        if tag == "tr" and self._row is not None:
            self.rows.append((self._row[0], self._row[1] == "hidden", self._row[2]))
            self._row = None
        if tag == "table":
            self._in_violations = False

    def handle_data(self, data: str) -> None:
        if self._row is not None:
            self._row[2] += data
        if self._capture == "num":
            self.figures[self._fig] = data
        elif self._capture:
            self.ids[self._capture] = data
        self._capture = None


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    scan_dir = hostile_scan(tmp_path_factory.mktemp("browser") / "scan-1")
    return html.render(scan_dir)


def parse(dom: str) -> Dom:
    d = Dom()
    d.feed(dom)
    return d


def test_figures_and_hostile_name_shown_as_text(
    chromium: str, report: Path, tmp_path: Path
) -> None:
    dom = parse(dump_dom(chromium, report.as_uri(), tmp_path / "profile"))
    summary = scope.evaluate(report.parent, config([STORE], report.parent.parent))
    assert dom.figures["items"] == "5"
    assert dom.figures["findings"] == "4"
    assert dom.figures["violations"] == f"{summary.violations:,}"
    assert "img" not in dom.tags  # the hostile file name never became an element
    assert any(HOSTILE in text for _, _, text in dom.rows)  # ... it is shown as text
    assert len(dom.rows) == summary.violations and not any(hidden for _, hidden, _ in dom.rows)


def test_filter_from_the_url_hides_other_rows(chromium: str, report: Path, tmp_path: Path) -> None:
    url = report.as_uri() + "#kind=location_not_allowed"
    dom = parse(dump_dom(chromium, url, tmp_path / "profile"))
    shown = [kind for kind, hidden, _ in dom.rows if not hidden]
    assert shown and set(shown) == {"location_not_allowed"}
    assert len(shown) < len(dom.rows)
    assert dom.ids["vcount"] == f"{len(shown)} of {len(dom.rows)} rows shown"


def test_text_filter_matches_hostile_text_literally(
    chromium: str, report: Path, tmp_path: Path
) -> None:
    url = report.as_uri() + "#q=" + "%3Cimg%20src%3Dx"
    dom = parse(dump_dom(chromium, url, tmp_path / "profile"))
    shown = [text for _, hidden, text in dom.rows if not hidden]
    assert shown and all(HOSTILE in text for text in shown)
    assert len(shown) < len(dom.rows)
    assert "img" not in dom.tags
