"""Benchmark: the HTML report of a scan with 100,000 violations, opened in headless Chromium.

    python -m bench.report [--violations 100000] [--runs 3] [--keep DIR]

Generates a synthetic scan (bench/scope_report.py's generator: a quarter of the items in an
undeclared store, a tenth past retention, some world-readable or abroad), applies the notice's
rules, renders report.html and opens it in Chromium (/usr/bin/chromium through chromedriver) a few
times. Prints the file size, the render time and, per run, the time from navigation start until
the first page of rows is on screen (the page's `noticescan-rows` performance mark: HTML parsed,
blocks unpacked, rows filtered and drawn) and the JS heap. Targets (issue 16): under 3 s and
under 20 MB.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.scope_report import STORES, make_scan  # noqa: E402
from reports import html, scope  # noqa: E402
from scanner import config as config_mod  # noqa: E402

VIOLATIONS_PER_ITEM = 2.2  # what the generator yields, measured; the scan is sized from it
TARGET_S, TARGET_MB = 3.0, 20.0


def browser(width: int = 1440) -> object:
    """Headless Chromium driven by the Debian chromedriver (nothing is downloaded)."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--enable-precise-memory-info",
        f"--window-size={width},1000",
        f"--user-data-dir={tempfile.mkdtemp(prefix='noticescan-bench-')}",
    ):
        options.add_argument(arg)
    driver = shutil.which("chromedriver") or "/usr/bin/chromedriver"
    return webdriver.Chrome(service=Service(driver), options=options)


def load_time(driver: object, url: str, timeout: float = 60) -> tuple[float, float]:
    """(seconds from navigation start to the first page of rows, JS heap MB) for one load."""
    driver.get("about:blank")  # type: ignore[attr-defined]
    driver.get(url)  # type: ignore[attr-defined]
    deadline = time.monotonic() + timeout
    script = "return performance.getEntriesByName('noticescan-rows').map(e => e.startTime)"
    while time.monotonic() < deadline:
        marks = driver.execute_script(script)  # type: ignore[attr-defined]
        if marks:
            heap = driver.execute_script(  # type: ignore[attr-defined]
                "return performance.memory ? performance.memory.usedJSHeapSize : 0"
            )
            return marks[0] / 1000, heap / 2**20
        time.sleep(0.02)
    raise TimeoutError(f"{url}: no rows after {timeout} s")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--violations", type=int, default=100_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--keep", type=Path, help="write the scan here and keep it")
    args = ap.parse_args()
    tmp = tempfile.TemporaryDirectory()
    scan_dir = (args.keep or Path(tmp.name)) / "bench-report"
    scan_dir.mkdir(parents=True, exist_ok=True)
    items = max(1, round(args.violations / VIOLATIONS_PER_ITEM))
    make_scan(scan_dir, items, 3)
    result = scope.evaluate(scan_dir, config_mod.from_dict({"store": STORES}, scan_dir))
    print(
        f"scan: {items:,} items, {result.violations:,} violations"
        f" in {result.violation_items:,} items"
    )
    t = time.perf_counter()
    out = html.render(scan_dir)
    render_s = time.perf_counter() - t
    size_mb = out.stat().st_size / 2**20
    print(f"render: {render_s:.1f} s; report.html {size_mb:.1f} MB (target < {TARGET_MB:g} MB)")
    driver = browser()
    try:
        times = []
        for run in range(1, args.runs + 1):
            seconds, heap = load_time(driver, out.as_uri())
            times.append(seconds)
            print(
                f"chromium run {run}: first page of rows after {seconds:.2f} s,"
                f" JS heap {heap:.0f} MB"
            )
    finally:
        driver.quit()  # type: ignore[attr-defined]
    best, worst = min(times), max(times)
    verdict = "meets" if worst < TARGET_S and size_mb < TARGET_MB else "MISSES"
    print(
        f"load: best {best:.2f} s, worst {worst:.2f} s (target < {TARGET_S:g} s); "
        f"{verdict} the targets"
    )
    tmp.cleanup()


if __name__ == "__main__":
    main()
