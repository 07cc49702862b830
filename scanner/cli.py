"""The `noticescan` command. Each command is one function whose docstring is its --help."""

from __future__ import annotations

import errno
import json
import sys
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from scanner import __version__
from scanner.errors import NoticeScanError

# The pipeline, the reports and their libraries (pyarrow, DuckDB, the sources' clients) are
# imported inside the commands that use them: `--help` and `--version` answer in a fraction of
# a second, and a scan imports only what its configuration needs.
if TYPE_CHECKING:
    from scanner.config import ScanConfig
    from scanner.runlog import RunLog
    from scanner.stats import Progress, ScanSummary
    from scanner.timing import Timings

F = TypeVar("F", bound=Callable[..., Any])
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
@click.option(
    "--cluster",
    help="Run extraction and detection on a Dask cluster: the scheduler's address "
    "(tcp://HOST:8786) or local:N to try one here (default: config scan.cluster, else the "
    "local pool). Needs the cluster extra; see docs/cluster.md.",
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
    cluster: str | None,
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
    from scanner import config as config_mod
    from scanner.pipeline import run_scan
    from scanner.progress import ProgressDisplay
    from scanner.runlog import LogProgress, RunLog
    from scanner.timing import Timings

    timings = Timings()  # scan.json `timings`: startup_s is the time until here

    log = RunLog(log_file, log_format) if (log_file or log_format == "json") else None
    with _logged(log):
        cfg = (
            _load_config(config_path, local_pool=not cluster)
            if config_path
            else config_mod.for_paths(list(paths), out)
        )
        if workers:
            cfg = _with(cfg, workers=workers)
        if cluster:
            cfg = _with(cfg, cluster=_cluster_option(cluster))
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
        verdict = Verdict(cfg, timings)
        summary = run_scan(
            cfg,
            progress=progress,
            incremental=incremental,
            resume=resume,
            finish=verdict,
            timings=timings,
        )
        code = _tell(summary, verdict, log)
    sys.exit(code)


class Verdict:
    """A scan's finish step: the notice's rules, then the report, before OUT/latest moves."""

    def __init__(self, config: ScanConfig, timings: Timings) -> None:
        self.config = config
        self.timings = timings
        self.violations = 0
        self.line = ""
        self.review: str | None = None
        self.report: Path | None = None

    def __call__(self, scan_dir: Path) -> None:
        """Write violations.parquet, summary.parquet and report.html into `scan_dir`."""
        from reports import html, scope
        from reports.review import review_note
        from scanner.timing import record

        with self.timings.phase("scope"):
            result = scope.evaluate(scan_dir, self.config)
        with self.timings.phase("report"):
            self.report = html.render(scan_dir)
        record(scan_dir, self.timings)
        self.violations = result.violations
        # reviewed violations are reported, never silently dropped
        self.review = review_note(result.by_review)
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
    if verdict.review:
        click.echo(verdict.review)
    click.echo(f"report: {verdict.report}")
    code = exit_code(summary.status, verdict.violations)
    if summary.interrupted:  # the report of what was done is still written, marked partial
        click.echo("interrupted: the outputs hold what was scanned before the stop", err=True)
    if log:
        from scanner.runlog import stats_fields

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
        result = scope.evaluate(scan_dir, _load_config(config_path))
        status = str(scope.read_scan_json(scan_dir).get("status", "complete"))
        code = exit_code(status, result.violations)
    click.echo(f"report: {html.render(scan_dir, out)}")
    sys.exit(code)


def _table_format(help_text: str) -> Callable[[F], F]:
    """The `--format table|csv|json` option of the commands that print rows."""
    return click.option(
        "-f",
        "--format",
        "fmt",
        type=click.Choice(["table", "csv", "json"]),
        default="table",
        show_default=True,
        help=help_text,
    )


@cli.command()
@click.argument("scan_dir", type=click.Path(path_type=Path, exists=True, file_okay=False))
@click.argument("sql")
@_table_format("Output format; csv and json stream, so they suit large exports.")
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
@click.argument("scan_dir", type=click.Path(path_type=Path, exists=True, file_okay=False))
@click.option(
    "-f",
    "--format",
    "fmt",
    type=click.Choice(["xlsx", "csv"]),
    default="xlsx",
    show_default=True,
    help="xlsx: one workbook with every table; csv: one table per file.",
)
@click.option(
    "-o",
    "--out",
    type=click.Path(path_type=Path, dir_okay=False),
    required=True,
    help="The file to write.",
)
@click.option(
    "-t",
    "--table",
    type=click.Choice(["violations", "items"]),
    help="Only this table (CSV default: violations; one row per item with violations: items).",
)
def export(scan_dir: Path, fmt: str, out: Path, table: str | None) -> None:
    """Export SCAN_DIR's violations and per-item table for a spreadsheet.

    The workbook (--format xlsx) has the sheets violations (one row per violation, most severe
    first, with its reason, the notice's sentence and the recommended action), items (one row
    per item with all its violated categories) and summary (store x category). CSV writes one
    of the tables. Example: noticescan export scans/latest --format xlsx --out audit.xlsx
    """
    from reports.export import export as write

    counts = write(scan_dir, out, fmt, table)
    rows = ", ".join(f"{n:,} {name}" for name, n in counts.items())
    click.echo(f"export: {out} ({rows})")


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
    new. Review changes (~) are violations in both whose review state changed: accepted,
    false positive, acceptance expired, item changed since the decision, reopened. Also counts
    items added, removed and changed (content hash) between the scans.
    Example: noticescan diff scans/20261124T020000Z-1a2b scans/latest. Exit code 1 when NEW
    has open violations that OLD did not, or reviewed ones count again (expired, changed),
    else 0; 2 when a folder is not a scanned, evaluated scan.
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
        for c in result.review_changes:
            click.echo(
                f"~ {c['kind']}  {c['store']}  {c['category']}  {c['item_uri']}  "
                f"(review: {c['old_review']} -> {c['new_review']})"
            )
        click.echo(
            f"violations: {len(result.new):,} new, {len(result.resolved):,} resolved, "
            f"{result.unchanged:,} unchanged, {len(result.review_changes):,} review changes; "
            f"items: {result.items_added:,} added, "
            f"{result.items_removed:,} removed, {result.items_changed:,} changed"
        )
    sys.exit(EXIT_VIOLATIONS if result.worse else EXIT_OK)


@cli.command()
@click.argument("scan_dir", type=click.Path(path_type=Path, exists=True, file_okay=False))
@click.argument("action", type=click.Choice(["accept", "false-positive", "reopen"]))
@click.option("--kind", help="Only violations of this kind (e.g. retention_exceeded).")
@click.option("--store", help="Only violations in this store (its id).")
@click.option("--category", help="Only violations of this category (e.g. billing).")
@click.option("--item", help="Only items whose uri or name matches this glob (*, ?, [..]).")
@click.option("--finding", help="Only items holding this finding (value_hash, 8+ hex digits).")
@click.option("--all", "everything", is_flag=True, help="Every violation, when no filter is given.")
@click.option("--why", help="The reason, kept with the decision (needed to accept or dismiss).")
@click.option(
    "--until",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Last day the decision holds (YYYY-MM-DD); after it the violation counts again.",
)
@click.option("--by", help="Who decides (default: the login name).")
@click.option(
    "--file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Decisions file (default: the config's scan.review_file, beside the config).",
)
def review(
    scan_dir: Path,
    action: str,
    kind: str | None,
    store: str | None,
    category: str | None,
    item: str | None,
    finding: str | None,
    everything: bool,
    why: str | None,
    until: datetime | None,
    by: str | None,
    file: Path | None,
) -> None:
    """Record review decisions about SCAN_DIR's violations, for every later scan to apply.

    accept: an accepted risk (who, why, until when). false-positive: the findings behind the
    selected violations are not personal data. reopen: remove the decisions about them. The
    filters combine; with none, --all is needed. Decisions go to a TOML file beside the config
    (noticescan.toml -> noticescan.review.toml; scan.review_file changes it) to keep in
    version control. Later scans show accepted and false-positive violations apart and leave
    them out of the exit code; an acceptance ends after --until, and a decision whose item has
    changed since asks for review again. Example: noticescan review scans/latest accept
    --kind retention_exceeded --item '*/2016/*' --why "HMRC enquiry open" --until 2027-03-31
    """
    import getpass

    from reports import review_command

    if until is not None and until.date() < datetime.now().date():
        raise click.BadParameter(f"{until.date()} is in the past", param_hint="--until")
    selection = review_command.Selection(kind, store, category, item, finding, everything)
    who = by or getpass.getuser()
    day = until.date() if until else None
    outcome = review_command.run(scan_dir, action, selection, why, who, day, file)
    click.echo("\n".join(outcome.lines))


@cli.command()
@click.argument("scan_dir", type=click.Path(path_type=Path, exists=True, file_okay=False))
@click.option(
    "--name", help='Full name: "Jane Smith" or "Smith, Jane" (titles, case, accents ignored).'
)
@click.option("--email", help="E-mail address.")
@click.option("--phone", help="Phone number as written or dialled (UK numbers without +44 too).")
@click.option("--nino", help="UK National Insurance number.")
@click.option("--dob", help="Date of birth, YYYY-MM-DD.")
@click.option("--iban", help="IBAN (checked: length and mod-97).")
@click.option("--postcode", help="UK postcode.")
@click.option(
    "--history",
    "all_scans",
    is_flag=True,
    help="SCAN_DIR is OUT: search every scan under it, oldest first (erasure evidence).",
)
@_table_format("table for people; csv, or json (a list of objects) for scripts.")
@click.option(
    "-o",
    "--out",
    "out_dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="Write the evidence bundle here: matches.parquet, matches.csv, person.html.",
)
def person(
    scan_dir: Path,
    name: str | None,
    email: str | None,
    phone: str | None,
    nino: str | None,
    dob: str | None,
    iban: str | None,
    postcode: str | None,
    all_scans: bool,
    fmt: str,
    out_dir: Path | None,
) -> None:
    """Find one person's data in SCAN_DIR, for a subject access or erasure request.

    Each value given is normalised and hashed with the scan's key exactly as the scanner did,
    and every item holding it is listed: store, source, item, location, entity type, category,
    which option matched, modified date. An item holding two or more of the values is a strong
    match; one value alone (a name above all) is weak. Names are also found as "Surname,
    Forename" and "F. Surname". Output never holds the values, only the option names; the
    --out bundle shows them masked.
    Example: noticescan person scans/latest --name "Jane Smith" --email jane@example.com
    --out dsar-2026-014. With --history, SCAN_DIR is OUT and each scan says where the person
    was found, so absence after deletion can be shown. Exit code 0 when the search ran (found
    or not), 2 on a bad value or a key that is not the scan's, 3 when some scan of the history
    could not be searched.
    """
    from reports.person import run

    values = {"name": name, "email": email, "phone": phone, "nino": nino, "dob": dob}
    values |= {"iban": iban, "postcode": postcode}
    code = run(
        scan_dir,
        values,
        all_scans=all_scans,
        fmt=fmt,
        out_dir=out_dir,
        out=sys.stdout,
        err=sys.stderr,
    )
    sys.exit(code)


def _cluster_option(value: str) -> str | None:
    """--cluster, checked like scan.cluster but named as the option."""
    from scanner import config as config_mod
    from scanner.errors import ConfigError, InputError

    try:
        return config_mod.check_cluster(value, "--cluster")
    except ConfigError as e:
        raise InputError("--cluster", e.problem, e.fix) from None


def _load_config(path: Path, local_pool: bool = False) -> ScanConfig:
    """The config file, validated: its shape (scanner.config), then its custom detectors.

    The custom detectors' examples are tried here, not in scanner.config, because trying them
    builds recognizers and the kernel imports no detector (docs/architecture.md). A scan on
    the local pool (`local_pool`, and no cluster in the file) starts the pool's fork server
    first, so that it loads the model while this process imports Presidio to try them.
    """
    from scanner import config as config_mod

    cfg = config_mod.load(path)
    if local_pool and not cfg.cluster:
        from scanner.pool import start_fork_server

        start_fork_server()
    if cfg.detectors.custom:  # trying them imports Presidio: not for a config without any
        from detectors.custom import check_examples

        check_examples(cfg.detectors)
    return cfg


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
