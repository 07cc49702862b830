"""The `noticescan` command. Each command is one function whose docstring is its --help."""

from __future__ import annotations

import errno
import json
import sys
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from scanner import __version__
from scanner import config as config_mod
from scanner.config import ScanConfig
from scanner.errors import NoticeScanError
from scanner.pipeline import run_scan
from scanner.progress import ProgressDisplay
from scanner.runlog import LogProgress, RunLog, stats_fields
from scanner.stats import Progress, ScanSummary

EXIT_OK, EXIT_VIOLATIONS, EXIT_CANNOT_RUN, EXIT_INCOMPLETE = 0, 1, 2, 3
EXIT_INTERRUPTED = 130


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="noticescan")
def cli() -> None:
    """noticescan: find the personal data your systems hold; check it against the privacy notice.

    Exit codes: 0 complete and nothing beyond the notice's scope; 1 complete, with beyond-scope
    findings (violations); 2 could not run (bad or empty config, no source, unwritable output,
    unusable state, disk full, any unexpected error: one line names the cause); 3 incomplete: a
    source or folder could not be reached, its last known items are kept, not re-verified (also
    when there are violations; the summary says both); 130 interrupted (what was done is kept).
    """


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "-c",
    "--config",
    "config_path",
    type=click.Path(path_type=Path),
    help="TOML config (see config.example.toml).",
)
@click.option(
    "-o",
    "--out",
    type=click.Path(path_type=Path),
    help="Output folder (default: the config's scan.out, or ./scans).",
)
@click.option(
    "-w",
    "--workers",
    type=click.IntRange(min=1),
    help="Worker processes (default: config, or one per CPU).",
)
@click.option("-q", "--quiet", is_flag=True, help="No progress output.")
@click.option(
    "--incremental",
    is_flag=True,
    help="Read only new and changed items; carry unchanged ones forward from the state.",
)
@click.option(
    "--resume",
    is_flag=True,
    help="Continue this config's last scan if it was killed or interrupted.",
)
@click.option(
    "--log-file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Append log lines (start, progress every 10 s, warnings, summary) to this file.",
)
@click.option(
    "--log-format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Log lines as text or as JSON objects (ts, level, event, fields).",
)
def scan(
    paths: tuple[Path, ...],
    config_path: Path | None,
    out: Path | None,
    workers: int | None,
    quiet: bool,
    incremental: bool,
    resume: bool,
    log_file: Path | None,
    log_format: str,
) -> None:
    """Scan the configured sources, or the PATHS given, into OUT/<scan-id>/.

    With --config, every [[source]] is scanned and mapped to the notice's stores. With PATHS and
    no config, each path is scanned as its own undeclared store (a quick one-off look).
    Writes items.parquet, findings.parquet and scan.json; prints the output folder.

    Every scan remembers what it read in a state database (scan.state_dir). --incremental then
    reads only new and changed items and carries the rest forward: its output is still the
    complete picture. A scan killed at any point continues with --resume. Two scans of one
    config never run at once (the second exits with code 2).
    """
    if config_path and paths:
        raise click.UsageError("give either --config FILE or PATHS, not both")
    if not config_path and not paths:
        raise click.UsageError("give --config FILE or one or more PATHS to scan")
    log = RunLog(log_file, log_format) if (log_file or log_format == "json") else None
    with _logged(log):
        cfg = (
            config_mod.load(config_path) if config_path else config_mod.for_paths(list(paths), out)
        )
        if workers:
            cfg = _with(cfg, workers=workers)
        if out and config_path:
            cfg = _with(cfg, out=out.resolve())
        progress: Progress | None = None
        if log:
            progress = LogProgress(log)
            log.event(
                "scan_start",
                config=str(config_path or ", ".join(map(str, paths))),
                incremental=incremental,
                resume=resume,
            )
        elif not quiet:
            progress = ProgressDisplay()
        verdict = Verdict(cfg)
        summary = run_scan(
            cfg, progress=progress, incremental=incremental, resume=resume, finish=verdict
        )
        code = _tell(summary, verdict, log)
    sys.exit(code)


class Verdict:
    """A scan's finish step: the notice's rules, then the report, before OUT/latest moves."""

    def __init__(self, config: ScanConfig) -> None:
        self.config = config
        self.violations = 0
        self.line = ""
        self.report: Path | None = None

    def __call__(self, scan_dir: Path) -> None:
        """Write violations.parquet, summary.parquet and report.html into `scan_dir`."""
        from reports import html, scope

        result = scope.evaluate(scan_dir, self.config)
        self.report = html.render(scan_dir)
        self.violations = result.violations
        if result.violations:
            kinds = ", ".join(f"{k} {n:,}" for k, n in result.by_kind.items() if n)
            self.line = (
                f"beyond the notice: {result.violations:,} violation(s) in "
                f"{result.violation_items:,} item(s) ({kinds})"
            )
        else:
            self.line = "within the notice: no violations"


def exit_code(status: str, violations: int) -> int:
    """The contract: interrupted 130, incomplete 3 (even with violations), violations 1, else 0."""
    if status == "interrupted":
        return EXIT_INTERRUPTED
    if status == "incomplete":
        return EXIT_INCOMPLETE
    return EXIT_VIOLATIONS if violations else EXIT_OK


def _tell(summary: ScanSummary, verdict: Verdict, log: RunLog | None) -> int:
    """Print (and log) how the scan went; returns its exit code."""
    for note in summary.notes:
        click.echo(f"note: {note}", err=True)
    for gap in summary.unreachable:
        line = (
            f"unreachable: {gap['what']} (source {gap['source']}): {gap['error']}; last read "
            f"{gap['last_read'] or 'never'}; its last known items are kept, not re-verified"
        )
        click.echo(f"warning: {line}", err=True)
        if log:
            log.event("unreachable", "warning", **gap)
    click.echo(f"output: {summary.out_dir}")
    if summary.status == "incomplete":
        click.echo(
            f"incomplete: {len(summary.unreachable):,} source(s) or folder(s) could not be "
            "read; the figures include their last known items, not re-verified"
        )
    click.echo(verdict.line)
    click.echo(f"report: {verdict.report}")
    code = exit_code(summary.status, verdict.violations)
    if summary.interrupted:  # the report of what was done is still written, marked partial
        click.echo("interrupted: the outputs hold what was scanned before the stop", err=True)
    if log:
        log.event(
            "scan_end",
            "info" if code in (EXIT_OK, EXIT_VIOLATIONS) else "warning",
            scan_id=summary.scan_id,
            status=summary.status,
            mode=summary.mode,
            resumed=summary.resumed,
            out_dir=str(summary.out_dir),
            gone=summary.gone,
            source_errors=len(summary.source_errors),
            unreachable=len(summary.unreachable),
            violations=verdict.violations,
            exit_code=code,
            **stats_fields(summary.stats),
        )
    return code


@contextmanager
def _logged(log: RunLog | None) -> Iterator[None]:
    """Log a scan that cannot run (then re-raise, for main() to print), and close the log."""
    try:
        yield
    except Exception as e:
        if log:
            log.event("scan_failed", "error", error=cannot_run(e), exit_code=EXIT_CANNOT_RUN)
        raise
    finally:
        if log:
            log.close()


@cli.command()
@click.argument("scan_dir", type=click.Path(path_type=Path, exists=True, file_okay=False))
@click.option(
    "-c",
    "--config",
    "config_path",
    type=click.Path(path_type=Path),
    help="Re-apply this config's stores (the notice) before rendering, e.g. after editing it.",
)
@click.option(
    "-o",
    "--out",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Where to write the HTML (default: SCAN_DIR/report.html).",
)
def report(scan_dir: Path, config_path: Path | None, out: Path | None) -> None:
    """Render SCAN_DIR's Parquet files into one self-contained HTML report.

    The file needs no network and no other file: send it, archive it, open it anywhere. It holds
    masked evidence and shortened hashes only, never the personal data itself. With --config the
    notice's rules are applied again first (violations.parquet is rewritten), and the exit code
    is 1 when violations exist (3 when the scan was incomplete); without it the report shows the
    scan as it was evaluated.
    """
    from reports import html, scope

    code = EXIT_OK
    if config_path:
        result = scope.evaluate(scan_dir, config_mod.load(config_path))
        status = str(scope.read_scan_json(scan_dir).get("status", "complete"))
        code = exit_code(status, result.violations)
    click.echo(f"report: {html.render(scan_dir, out)}")
    sys.exit(code)


@cli.command()
@click.argument("scan_dir", type=click.Path(path_type=Path, exists=True, file_okay=False))
@click.argument("sql")
@click.option(
    "-f",
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "json"]),
    default="table",
    show_default=True,
    help="Output format; csv and json stream, so they suit large exports.",
)
def query(scan_dir: Path, sql: str, fmt: str) -> None:
    """Run SQL (DuckDB) over SCAN_DIR's Parquet files and print the result.

    Views: items (one row per file, message, attachment or archive member), findings (masked
    evidence and keyed hashes), violations (what breaks the notice, and why) and summary (store x
    category). Example: noticescan query scans/latest "SELECT kind, count(*) FROM violations
    GROUP BY kind"
    """
    from reports import query as query_mod

    query_mod.run(scan_dir, sql, sys.stdout, fmt)


@cli.command()
@click.argument("old", type=click.Path(path_type=Path, exists=True, file_okay=False))
@click.argument("new", type=click.Path(path_type=Path, exists=True, file_okay=False))
@click.option(
    "-f",
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text for people, json for scripts.",
)
def diff(old: Path, new: Path, fmt: str) -> None:
    """List violations that are new in NEW and resolved since OLD (two scan folders).

    A violation is the same when its kind, store, item and category are: found again is not
    new. Also counts items added, removed and changed (content hash) between the scans.
    Example: noticescan diff scans/20261124T020000Z-1a2b scans/latest. Exit code 1 when NEW
    has violations that OLD did not, else 0; 2 when a folder is not a scanned, evaluated scan.
    """
    from reports.diff import diff_scans

    result = diff_scans(old, new)
    if fmt == "json":
        click.echo(json.dumps(result.as_dict(), indent=2, default=str))
    else:
        click.echo(f"{result.old_scan} -> {result.new_scan}")
        for sign, rows in (("+", result.new), ("-", result.resolved)):
            for v in rows:
                click.echo(
                    f"{sign} {v['kind']}  {v['store']}  {v['category']}  {v['item_uri']}"
                    + (f"  ({v['reason']})" if v["reason"] else "")
                )
        click.echo(
            f"violations: {len(result.new):,} new, {len(result.resolved):,} resolved, "
            f"{result.unchanged:,} unchanged; items: {result.items_added:,} added, "
            f"{result.items_removed:,} removed, {result.items_changed:,} changed"
        )
    sys.exit(EXIT_VIOLATIONS if result.new else EXIT_OK)


def _with(cfg: ScanConfig, **changes: object) -> ScanConfig:
    import dataclasses

    return dataclasses.replace(cfg, **changes)  # type: ignore[arg-type]


_OS_FIXES = {
    errno.ENOSPC: "the disk is full: free space, or write elsewhere (--out, scan.state_dir)",
    errno.EDQUOT: "the disk quota is used up: free space, or write elsewhere",
    errno.EROFS: "the file system is read-only: choose a writable --out or scan.state_dir",
    errno.EACCES: "permission denied: run as a user who may write there, or choose another path",
    errno.EPERM: "not permitted: run as a user who may write there, or choose another path",
    errno.ENOENT: "it does not exist: check the path",
    errno.ENOTDIR: "a part of the path is not a folder: check the path",
}


def cannot_run(exc: BaseException) -> str:
    """One line naming why a command could not run (the thing, the problem, the fix)."""
    if isinstance(exc, NoticeScanError):
        return str(exc)
    if isinstance(exc, OSError):
        code = exc.errno if exc.errno in _OS_FIXES else _errno_in(str(exc))
        where = f"{exc.filename}: " if exc.filename else ""
        problem = exc.strerror or str(exc)
        fix = _OS_FIXES.get(code or -1, "check the path and the disk")
        return f"could not run: {where}{problem}; fix: {fix}"
    return (
        f"could not run: unexpected {type(exc).__name__}: {exc} (a bug: please report it with "
        "the traceback above)"
    )


def _errno_in(text: str) -> int | None:
    """The errno pyarrow names only in its message (`... [errno 28] No space left on device`)."""
    for code in _OS_FIXES:
        if f"errno {code}]" in text.lower():
            return code
    return None


def main() -> None:
    """Console-script entry point: whatever fails is one clear line and exit code 2."""
    try:
        code: Any = cli.main(prog_name="noticescan", standalone_mode=False)
    except click.ClickException as e:  # usage errors: click's own message, exit 2
        e.show()
        sys.exit(e.exit_code)
    except (click.Abort, KeyboardInterrupt):
        click.echo("noticescan: interrupted", err=True)
        sys.exit(EXIT_INTERRUPTED)
    except (NoticeScanError, OSError) as e:
        click.echo(f"noticescan: {cannot_run(e)}", err=True)
        sys.exit(EXIT_CANNOT_RUN)
    except Exception as e:  # noqa: BLE001 - the contract: exit 2 and a line, never exit 1
        traceback.print_exc()
        click.echo(f"noticescan: {cannot_run(e)}", err=True)
        sys.exit(EXIT_CANNOT_RUN)
    sys.exit(code if isinstance(code, int) else EXIT_OK)


if __name__ == "__main__":
    main()
