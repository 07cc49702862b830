"""TOML configuration -> one validated, typed ScanConfig passed down (no global settings).

Every check raises ConfigError(key, problem, fix) so a bad file stops the run with one line that
a person can act on. Secrets never live in the file: sources name environment variables
(`password_env = "SMB_PASSWORD"`). Paths are relative to the config file's folder.
"""

from __future__ import annotations

import hashlib
import json
import os
import tomllib
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from scanner.errors import ConfigError

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


@dataclass(frozen=True, slots=True)
class DetectorSettings:
    """Which entities to report and from what score."""

    threshold: float = 0.5
    disabled: tuple[str, ...] = ()
    thresholds: dict[str, float] = field(default_factory=dict)

    def validate(self) -> None:
        """Reject unknown entity names and thresholds outside 0..1, naming the key.

        A typo in an entity name would otherwise silently report everything, or nothing.
        """
        from detectors.categories import CATEGORY_OF  # a plain table: no detector is loaded

        known = ", ".join(sorted(CATEGORY_OF))
        if not 0 <= self.threshold <= 1:
            raise ConfigError(
                "detectors.threshold",
                f"must be between 0 and 1, got {self.threshold}",
                "use e.g. 0.5",
            )
        for name in self.disabled:
            if name not in CATEGORY_OF:
                raise ConfigError(
                    "detectors.disabled", f"unknown entity {name!r}", f"use one of {known}"
                )
        for name, value in self.thresholds.items():
            key = f"detectors.thresholds.{name}"
            if name not in CATEGORY_OF:
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


def _parse_detectors(table: dict[str, Any]) -> DetectorSettings:
    _check_keys(table, {"threshold", "disabled", "thresholds"}, "detectors")
    threshold = _get(table, "threshold", float, "detectors.threshold", 0.5)
    disabled = _str_list(table, "disabled", "detectors.disabled") or ()
    raw = _get(table, "thresholds", dict, "detectors.thresholds", {})
    thresholds = {e: _get(raw, e, float, f"detectors.thresholds.{e}") for e in raw}
    settings = DetectorSettings(threshold=threshold, disabled=disabled, thresholds=thresholds)
    settings.validate()
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
}


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
    )


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
    _check_keys(data, {"scan", "limits", "detectors", "store", "source"}, "")
    scan = _get(data, "scan", dict, "scan", {})
    _check_keys(scan, {"out", "workers", "secret_file", "state_dir"}, "scan")
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
    return ScanConfig(
        base_dir=base_dir,
        out=(base_dir / _get(scan, "out", str, "scan.out", "scans")).resolve(),
        workers=workers or (os.cpu_count() or 1),
        secret_file=(base_dir / secret).resolve() if secret else None,
        state_dir=(
            base_dir / _get(scan, "state_dir", str, "scan.state_dir", ".noticescan")
        ).resolve(),
        limits=_parse_limits(_get(data, "limits", dict, "limits", {})),
        detectors=_parse_detectors(_get(data, "detectors", dict, "detectors", {})),
        stores=tuple(stores.values()),
        sources=tuple(sources),
        config_path=config_path,
    )


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
    """Config for a one-off `noticescan scan PATH...`: each path its own undeclared source."""
    sources = [
        {"type": "local", "path": str(p.resolve()), "id": f"path-{i + 1}"}
        for i, p in enumerate(paths)
    ]
    out_dir = (out or Path("scans")).resolve()
    data: dict[str, Any] = {
        "source": sources,
        # State beside the outputs the user chose, never in whatever folder the shell is in.
        "scan": {"out": str(out_dir), "state_dir": str(out_dir / ".noticescan")},
    }
    return from_dict(data, Path.cwd())
