"""TOML configuration -> one validated, typed ScanConfig passed down (no global settings).

Every check raises ConfigError(key, problem, fix) so a bad file stops the run with one line that
a person can act on. Secrets never live in the file: sources name environment variables
(`password_env = "SMB_PASSWORD"`). Paths are relative to the config file's folder.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tomllib
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any, TypeVar

from scanner import allowlist
from scanner.allowlist import AllowListConfig
from scanner.customdetectors import CustomDetector
from scanner.errors import ConfigError
from scanner.extras import install_hint, installed

CATEGORIES = (
    "name",
    "contact",
    "address",
    "billing",
    "payment_card",
    "government_id",
    "date_of_birth",
    "special_category",
    "online_identifier",
)

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Limits:
    """Hard limits so that no file can hang, crash or exhaust a scan."""

    max_file_mb: float = 200.0  # larger items (by their listed size) are never read
    max_chars: int = 20_000_000
    item_timeout_s: float = 120.0
    # A worker's resident memory, sampled every 0.5 s by the pool (scanner/pool.py); not an
    # address-space cap. What a parser could allocate faster than that is bounded where it is
    # known (archive ratios, scanner/extract/xlsx_stream.py).
    worker_memory_mb: int = 3072
    archive_depth: int = 5
    archive_members: int = 10_000
    archive_total_mb: float = 2048.0
    archive_ratio: float = 200.0

    @property
    def max_file_bytes(self) -> int:
        """max_file_mb in bytes."""
        return int(self.max_file_mb * 1024 * 1024)


# Where Debian, Ubuntu, Fedora and Homebrew put Tesseract's language data (*.traineddata).
TESSDATA_DIRS = (
    "/usr/share/tesseract-ocr/5/tessdata",
    "/usr/share/tesseract-ocr/4.00/tessdata",
    "/usr/share/tessdata",
    "/usr/local/share/tessdata",
    "/opt/homebrew/share/tessdata",
)


@dataclass(frozen=True, slots=True)
class OcrSettings:
    """Optical character recognition of images and PDF pages without a text layer (Tesseract).

    `dpi` is the resolution PDF pages are rendered at (bench/ocr --dpi-sweep: 300 costs 1.5x the
    CPU of 200 for no better recall; 150 was as good on 11 pt letters but lost NI numbers on a
    clean test page); `max_pages` is the page budget per item, so one 500-page scanned archive
    cannot take a worker for an hour.
    """

    enabled: bool = True
    languages: tuple[str, ...] = ("eng",)
    dpi: int = 200
    max_pages: int = 50
    tessdata: str = ""

    def tessdata_dir(self) -> Path | None:
        """The folder holding the language files: `tessdata`, $TESSDATA_PREFIX, or a known one."""
        candidates = [self.tessdata, os.environ.get("TESSDATA_PREFIX", ""), *TESSDATA_DIRS]
        for folder in filter(None, candidates):
            if (Path(folder) / f"{self.languages[0]}.traineddata").is_file():
                return Path(folder)
        return None


@dataclass(frozen=True, slots=True)
class DetectorSettings:
    """Which entities to report and from what score."""

    threshold: float = 0.5
    disabled: tuple[str, ...] = ()
    thresholds: dict[str, float] = field(default_factory=dict)
    custom: tuple[CustomDetector, ...] = ()  # [[detectors.custom]] (scanner/customdetectors.py)

    def category_of(self) -> dict[str, str]:
        """Entity type -> category, the built-in table plus this config's custom detectors."""
        from detectors.categories import CATEGORY_OF  # a plain table: no detector is loaded

        return {**CATEGORY_OF, **{c.entity: c.category for c in self.custom}}

    def validate(self) -> None:
        """Reject unknown entity names and thresholds outside 0..1, naming the key.

        A typo in an entity name would otherwise silently report everything, or nothing.
        """
        entities = self.category_of()
        known = ", ".join(sorted(entities))
        if not 0 <= self.threshold <= 1:
            raise ConfigError(
                "detectors.threshold",
                f"must be between 0 and 1, got {self.threshold}",
                "use e.g. 0.5",
            )
        for name in self.disabled:
            if name not in entities:
                raise ConfigError(
                    "detectors.disabled", f"unknown entity {name!r}", f"use one of {known}"
                )
        for name, value in self.thresholds.items():
            key = f"detectors.thresholds.{name}"
            if name not in entities:
                raise ConfigError(key, f"unknown entity {name!r}", f"use one of {known}")
            if not 0 <= value <= 1:
                raise ConfigError(key, f"must be between 0 and 1, got {value}", "use e.g. 0.6")


@dataclass(frozen=True, slots=True)
class Store:
    """One data store the privacy notice declares (or the implicit undeclared store)."""

    id: str
    name: str
    description: str = ""
    categories: tuple[str, ...] = ()
    retention_years: float | None = None
    locations: tuple[str, ...] = ()
    readers: tuple[str, ...] | None = None
    encrypted: bool = False
    declared: bool = True
    # The notice's own words behind the store ("store") and behind each setting, shown beside
    # every violation so that the reader sees why it is one. Keys: QUOTE_KEYS.
    notice_quote: dict[str, str] = field(default_factory=dict)

    def quote_for(self, setting: str | None) -> str:
        """The notice sentence behind `setting` (e.g. "retention_years"), else the store's."""
        return self.notice_quote.get(setting or "store") or self.notice_quote.get("store", "")


@dataclass(frozen=True, slots=True)
class SourceConfig:
    """A `[[source]]` table: the common keys, plus `options` that the source type validates."""

    index: int
    type: str
    store: str
    location: str | None
    options: dict[str, Any]

    @property
    def id(self) -> str:
        """Stable id used in items.parquet `source`: the explicit `id` or `<type>-<n>`."""
        explicit = self.options.get("id")
        return str(explicit) if explicit else f"{self.type}-{self.index + 1}"

    def key(self, name: str) -> str:
        """The dotted key of one option, for error messages."""
        return f"source[{self.index + 1}].{name}"


@dataclass(frozen=True, slots=True)
class ScanConfig:
    """The whole validated configuration; written into every scan's scan.json."""

    base_dir: Path
    out: Path
    workers: int
    secret_file: Path | None
    state_dir: Path
    limits: Limits
    detectors: DetectorSettings
    stores: tuple[Store, ...]
    sources: tuple[SourceConfig, ...]
    config_path: Path | None = None
    # Review decisions (reports/decisions.py): `scan.review_file`, default beside the config.
    review_file: Path | None = None
    allowlist: AllowListConfig = field(default_factory=AllowListConfig)
    ocr: OcrSettings = field(default_factory=OcrSettings)
    # A Dask scheduler ("tcp://host:8786") or "local:N" (a LocalCluster of N workers) that runs
    # extraction and detection instead of the local pool (docs/cluster.md); None: the local pool.
    cluster: str | None = None

    def store(self, store_id: str) -> Store:
        """The store with this id; unknown ids map to the undeclared store."""
        for s in self.stores:
            if s.id == store_id:
                return s
        return undeclared_store()

    def as_dict(self) -> dict[str, Any]:
        """JSON-safe form for scan.json (no secrets are ever in the config)."""
        d = asdict(self)
        return json.loads(json.dumps(d, default=str))

    def digest(self) -> str:
        """SHA-256 of the effective configuration, so two scans can be compared."""
        data = json.dumps(self.as_dict(), sort_keys=True).encode()
        return hashlib.sha256(data).hexdigest()


def undeclared_store() -> Store:
    """The store every item under no declared store belongs to."""
    from scanner.models import UNDECLARED_STORE

    return Store(id=UNDECLARED_STORE, name="Not in the notice", declared=False)


def _get(table: dict[str, Any], key: str, kind: type[T], path: str, default: Any = ...) -> T:
    if key not in table:
        if default is ...:
            raise ConfigError(path, "is required", f"add `{key} = ...` to the table")
        return default  # type: ignore[no-any-return]
    value = table[key]
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise ConfigError(
            path,
            f"must be a {kind.__name__}, got {type(value).__name__} {value!r}",
            "correct its type",
        )
    return value  # type: ignore[no-any-return]


def _str_list(table: dict[str, Any], key: str, path: str) -> tuple[str, ...] | None:
    if key not in table:
        return None
    value = table[key]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(
            path, f"must be a list of strings, got {value!r}", f'write {key} = ["a", "b"]'
        )
    return tuple(value)


def _check_keys(table: dict[str, Any], allowed: set[str], path: str) -> None:
    for key in table:
        if key not in allowed:
            raise ConfigError(
                f"{path}.{key}" if path else key,
                "is not a known setting",
                f"remove it or use one of: {', '.join(sorted(allowed))}",
            )


def _positive(value: float, path: str) -> None:
    if value <= 0:
        raise ConfigError(path, f"must be greater than 0, got {value}", "set a positive number")


def _parse_limits(table: dict[str, Any]) -> Limits:
    defaults = Limits()
    allowed = set(Limits.__dataclass_fields__)
    _check_keys(table, allowed, "limits")
    values: dict[str, Any] = {}
    for name in allowed:
        default = getattr(defaults, name)
        kind = float if isinstance(default, float) else int
        value = _get(table, name, kind, f"limits.{name}", default)
        _positive(value, f"limits.{name}")
        values[name] = value
    return Limits(**values)


def _parse_ocr(table: dict[str, Any]) -> OcrSettings:
    _check_keys(table, {"enabled", "languages", "dpi", "max_pages", "tessdata"}, "ocr")
    languages = _str_list(table, "languages", "ocr.languages") or ("eng",)
    settings = OcrSettings(
        enabled=_get(table, "enabled", bool, "ocr.enabled", True),
        languages=languages,
        dpi=_get(table, "dpi", int, "ocr.dpi", 200),
        max_pages=_get(table, "max_pages", int, "ocr.max_pages", 50),
        tessdata=_get(table, "tessdata", str, "ocr.tessdata", ""),
    )
    if not 72 <= settings.dpi <= 600:
        raise ConfigError("ocr.dpi", f"must be between 72 and 600, got {settings.dpi}", "use 200")
    _positive(settings.max_pages, "ocr.max_pages")
    if settings.tessdata and not Path(settings.tessdata).is_dir():
        raise ConfigError(
            "ocr.tessdata",
            f"{settings.tessdata} is not a folder",
            "point it at the tessdata folder",
        )
    # OCR is on by default and then, without the `ocr` extra, each image or scanned page says so
    # in its row; a config that asks for OCR in so many words is told now.
    if table.get("enabled") is True and not installed("tesserocr"):
        raise ConfigError(
            "ocr.enabled", "OCR needs tesserocr, which is not installed",
            f"{install_hint('ocr')}, or set ocr.enabled = false",
        )  # fmt: skip
    folder = settings.tessdata_dir()
    # Without any language data OCR items say so at scan time; a named language that is missing
    # beside installed ones is a typo or a forgotten package, which the config should name now.
    if settings.enabled and folder is not None:
        for lang in languages:
            if not (folder / f"{lang}.traineddata").is_file():
                raise ConfigError(
                    "ocr.languages",
                    f"{lang!r} is not installed (no {lang}.traineddata in {folder})",
                    f"install the Debian package tesseract-ocr-{lang} or remove it from the list",
                )
    return settings


def _parse_detectors(table: dict[str, Any]) -> DetectorSettings:
    from detectors.categories import CATEGORY_OF
    from scanner.customdetectors import check_examples, parse_custom

    _check_keys(table, {"threshold", "disabled", "thresholds", "custom"}, "detectors")
    threshold = _get(table, "threshold", float, "detectors.threshold", 0.5)
    disabled = _str_list(table, "disabled", "detectors.disabled") or ()
    raw = _get(table, "thresholds", dict, "detectors.thresholds", {})
    thresholds = {e: _get(raw, e, float, f"detectors.thresholds.{e}") for e in raw}
    custom = parse_custom(table.get("custom", []), CATEGORIES, set(CATEGORY_OF))
    settings = DetectorSettings(threshold, disabled, thresholds, custom)
    settings.validate()
    for n, spec in enumerate(custom, 1):
        check_examples(spec, n, thresholds.get(spec.entity, threshold))
    return settings


STORE_KEYS = {
    "id",
    "name",
    "description",
    "categories",
    "retention_years",
    "locations",
    "readers",
    "encrypted",
    "notice_quote",
}
# The settings a store's `notice_quote` table may quote the notice for.
QUOTE_KEYS = ("store", "categories", "retention_years", "locations", "readers", "encrypted")


def _parse_store(table: dict[str, Any], n: int) -> Store:
    path = f"store[{n}]"
    _check_keys(table, STORE_KEYS, path)
    store_id = _get(table, "id", str, f"{path}.id")
    categories = _str_list(table, "categories", f"{path}.categories") or ()
    for c in categories:
        if c not in CATEGORIES:
            raise ConfigError(
                f"{path}.categories",
                f"unknown category {c!r}",
                f"use one of: {', '.join(CATEGORIES)}",
            )
    retention = _get(table, "retention_years", float, f"{path}.retention_years", None)
    if retention is not None:
        _positive(retention, f"{path}.retention_years")
    return Store(
        id=store_id,
        name=_get(table, "name", str, f"{path}.name", store_id),
        description=_get(table, "description", str, f"{path}.description", ""),
        categories=categories,
        retention_years=retention,
        locations=tuple(
            x.upper() for x in (_str_list(table, "locations", f"{path}.locations") or ())
        ),
        readers=_str_list(table, "readers", f"{path}.readers"),
        encrypted=_get(table, "encrypted", bool, f"{path}.encrypted", False),
        notice_quote=_parse_quote(table.get("notice_quote"), f"{path}.notice_quote"),
    )


def _parse_quote(value: Any, path: str) -> dict[str, str]:
    """`notice_quote = "..."` (the store's sentence) or a table of sentences per setting."""
    fix = 'write notice_quote = "the notice\'s sentence", or a table with keys ' + ", ".join(
        QUOTE_KEYS
    )
    if value is None:
        return {}
    if isinstance(value, str):
        if not value.strip():
            raise ConfigError(path, "is empty", fix)
        return {"store": value.strip()}
    if not isinstance(value, dict):
        raise ConfigError(path, f"must be a string or a table, got {type(value).__name__}", fix)
    _check_keys(value, set(QUOTE_KEYS), path)
    quotes = {}
    for key, text in value.items():
        if not isinstance(text, str) or not text.strip():
            raise ConfigError(f"{path}.{key}", "must be a non-empty string", fix)
        quotes[key] = text.strip()
    return quotes


def _parse_source(table: dict[str, Any], index: int, stores: dict[str, Store]) -> SourceConfig:
    path = f"source[{index + 1}]"
    kind = _get(table, "type", str, f"{path}.type")
    store = _get(table, "store", str, f"{path}.store", "undeclared")
    if store != "undeclared" and store not in stores:
        raise ConfigError(
            f"{path}.store",
            f"names store {store!r}, which no [[store]] declares",
            f"declare it or use one of: {', '.join(sorted(stores)) or '(none declared)'}",
        )
    location = _get(table, "location", str, f"{path}.location", None)
    options = {k: v for k, v in table.items() if k not in {"type", "store", "location"}}
    return SourceConfig(
        index=index,
        type=kind,
        store=store,
        location=location.upper() if location else None,
        options=options,
    )


def from_dict(data: dict[str, Any], base_dir: Path, config_path: Path | None = None) -> ScanConfig:
    """Validate a parsed TOML document; relative paths resolve against `base_dir`."""
    _check_keys(data, {"scan", "limits", "ocr", "detectors", "store", "source", "allowlist"}, "")
    scan = _get(data, "scan", dict, "scan", {})
    _check_keys(
        scan, {"out", "workers", "secret_file", "state_dir", "review_file", "cluster"}, "scan"
    )
    workers = _get(scan, "workers", int, "scan.workers", 0)
    if workers < 0:
        raise ConfigError(
            "scan.workers",
            f"must be 0 (one per CPU) or more, got {workers}",
            "use 0 or a positive number",
        )
    secret = _get(scan, "secret_file", str, "scan.secret_file", "")
    stores_raw = _get(data, "store", list, "store", [])
    stores: dict[str, Store] = {}
    for n, table in enumerate(stores_raw, 1):
        if not isinstance(table, dict):
            raise ConfigError(
                f"store[{n}]", "must be a table", "write it as [[store]] with keys below"
            )
        s = _parse_store(table, n)
        if s.id in stores or s.id == "undeclared":
            raise ConfigError(
                f"store[{n}].id",
                f"{s.id!r} is used twice or reserved",
                "give every store a unique id",
            )
        stores[s.id] = s
    sources_raw = _get(data, "source", list, "source", [])
    sources = []
    for i, table in enumerate(sources_raw):
        if not isinstance(table, dict):
            raise ConfigError(
                f"source[{i + 1}]", "must be a table", "write it as [[source]] with keys below"
            )
        sources.append(_parse_source(table, i, stores))
    ids = [s.id for s in sources]
    for sid in ids:
        if ids.count(sid) > 1:
            raise ConfigError(
                "source.id",
                f"{sid!r} names more than one source",
                "give each [[source]] a unique id",
            )
    detectors = _parse_detectors(_get(data, "detectors", dict, "detectors", {}))
    review = _get(scan, "review_file", str, "scan.review_file", "")
    if not review and config_path is not None:  # noticescan.toml -> noticescan.review.toml
        review = config_path.with_suffix(".review.toml").name
    return ScanConfig(
        base_dir=base_dir,
        out=(base_dir / _get(scan, "out", str, "scan.out", "scans")).resolve(),
        workers=workers or (os.cpu_count() or 1),
        secret_file=(base_dir / secret).resolve() if secret else None,
        state_dir=(
            base_dir / _get(scan, "state_dir", str, "scan.state_dir", ".noticescan")
        ).resolve(),
        limits=_parse_limits(_get(data, "limits", dict, "limits", {})),
        detectors=detectors,
        stores=tuple(stores.values()),
        sources=tuple(sources),
        config_path=config_path,
        review_file=(base_dir / review).resolve() if review else None,
        allowlist=allowlist.parse_config(
            _get(data, "allowlist", dict, "allowlist", {}),
            base_dir,
            set(detectors.category_of()),
        ),
        ocr=_parse_ocr(_get(data, "ocr", dict, "ocr", {})),
        cluster=check_cluster(_get(scan, "cluster", str, "scan.cluster", ""), "scan.cluster"),
    )


_CLUSTER = re.compile(r"(?:(tcp|tls)://(\[[0-9a-fA-F:]+\]|[\w.-]+):(\d{1,5})|local:(\d+))")


def check_cluster(value: str, key: str) -> str | None:
    """A Dask scheduler address or `local:N`, checked before anything connects ("" is None)."""
    if not value:
        return None
    m = _CLUSTER.fullmatch(value.strip())
    if m is None or (m[3] and not 0 < int(m[3]) < 65536) or (m[4] and int(m[4]) < 1):
        raise ConfigError(
            key,
            f"{value!r} is not a Dask scheduler address or local:N",
            'use the scheduler\'s address, e.g. "tcp://scanhost:8786", or "local:2" to try a '
            "cluster of 2 workers on this machine",
        )
    return value.strip()


def load(path: Path) -> ScanConfig:
    """Read and validate a TOML config file."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as e:
        raise ConfigError(
            str(path), f"cannot be read ({e.strerror})", "check the path given to --config"
        ) from e
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(
            str(path), f"is not valid TOML ({e})", "fix the syntax at that line"
        ) from e
    return from_dict(data, path.parent.resolve(), path.resolve())


def for_paths(paths: list[Path], out: Path | None) -> ScanConfig:
    """Config for a one-off `noticescan scan PATH...`: each path its own undeclared store.

    The store is named by the path as given, so the report has one row per folder the user
    named (not one "Not in the notice" row for all of them) and its sentences name the folder.
    """
    sources = [
        {"type": "local", "path": str(p.resolve()), "id": f"path-{i + 1}"}
        for i, p in enumerate(paths)
    ]
    out_dir = (out or Path("scans")).resolve()
    data: dict[str, Any] = {
        "source": sources,
        # State beside the outputs the user chose, never in whatever folder the shell is in.
        "scan": {
            "out": str(out_dir),
            "state_dir": str(out_dir / ".noticescan"),
            "review_file": str(out_dir / "noticescan.review.toml"),
        },
    }
    cfg = from_dict(data, Path.cwd())
    stores = tuple(
        Store(id=s.id, name=str(p), declared=False) for s, p in zip(cfg.sources, paths, strict=True)
    )
    return replace(cfg, stores=stores, sources=tuple(replace(s, store=s.id) for s in cfg.sources))
