"""The `noticescan` command. Each command is one function whose docstring is its --help."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from scanner import __version__
from scanner import config as config_mod
from scanner.config import ScanConfig
from scanner.errors import NoticeScanError
from scanner.pipeline import ScanSummary, run_scan
from scanner.progress import ProgressDisplay

EXIT_OK, EXIT_VIOLATIONS, EXIT_CANNOT_RUN, EXIT_INTERRUPTED = 0, 1, 2, 130


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="noticescan")
def cli() -> None:
    """noticescan: find the personal data your systems hold; check it against the privacy notice.

    Exit codes: 0 done and nothing beyond the notice's scope, 1 done with beyond-scope findings,
    2 could not run (bad config, unreadable input), 130 interrupted (what was done is kept).
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
def scan(
    paths: tuple[Path, ...],
    config_path: Path | None,
    out: Path | None,
    workers: int | None,
    quiet: bool,
) -> None:
    """Scan the configured sources, or the PATHS given, into OUT/<scan-id>/.

    With --config, every [[source]] is scanned and mapped to the notice's stores. With PATHS and
    no config, each path is scanned as its own undeclared store (a quick one-off look).
    Writes items.parquet, findings.parquet and scan.json; prints the output folder.
    """
    if config_path and paths:
        raise click.UsageError("give either --config FILE or PATHS, not both")
    if not config_path and not paths:
        raise click.UsageError("give --config FILE or one or more PATHS to scan")
    cfg = config_mod.load(config_path) if config_path else config_mod.for_paths(list(paths), out)
    if workers:
        cfg = _with(cfg, workers=workers)
    if out and config_path:
        cfg = _with(cfg, out=out.resolve())
    summary = run_scan(cfg, progress=None if quiet else ProgressDisplay())
    for err in summary.source_errors:
        click.echo(f"warning: {err}", err=True)
    click.echo(f"output: {summary.out_dir}")
    if summary.interrupted:
        click.echo("interrupted: the outputs hold what was scanned before the stop", err=True)
        sys.exit(EXIT_INTERRUPTED)
    sys.exit(after_scan(summary, cfg))


def after_scan(summary: ScanSummary, config: ScanConfig) -> int:
    """Scope evaluation and the HTML report hook; returns the exit code (0, or 1 for violations)."""
    return finish_scan(summary.out_dir, config)


def finish_scan(scan_dir: Path, config: ScanConfig) -> int:
    """Apply the notice's rules, write report.html, print the verdict; 1 when anything is beyond."""
    from reports import html, scope

    result = scope.evaluate(scan_dir, config)
    report = html.render(scan_dir)
    if result.violations:
        kinds = ", ".join(f"{k} {n:,}" for k, n in result.by_kind.items() if n)
        click.echo(
            f"beyond the notice: {result.violations:,} violation(s) in "
            f"{result.violation_items:,} item(s) ({kinds})"
        )
    else:
        click.echo("within the notice: no violations")
    click.echo(f"report: {report}")
    return EXIT_VIOLATIONS if result.violations else EXIT_OK


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
    is 1 when violations exist; without it the report shows the scan as it was evaluated.
    """
    from reports import html, scope

    code = EXIT_OK
    if config_path:
        result = scope.evaluate(scan_dir, config_mod.load(config_path))
        code = EXIT_VIOLATIONS if result.violations else EXIT_OK
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


def _with(cfg: ScanConfig, **changes: object) -> ScanConfig:
    import dataclasses

    return dataclasses.replace(cfg, **changes)  # type: ignore[arg-type]


def main() -> None:
    """Console-script entry point: any NoticeScanError is one clear line and exit code 2."""
    try:
        cli(prog_name="noticescan")
    except NoticeScanError as e:
        click.echo(f"noticescan: {e}", err=True)
        sys.exit(EXIT_CANNOT_RUN)


if __name__ == "__main__":
    main()
