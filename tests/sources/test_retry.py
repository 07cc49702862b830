"""The one retry helper: backoff, Retry-After capped, give-up, and one set of option names."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from scanner.config import from_dict
from scanner.errors import ConfigError
from scanner.options import Opt
from sources import graph, graph_files, imap, smb
from sources.options import read_options
from sources.retry import Retry, RetryPolicy, retry_options


def flaky(failures: list[Exception]) -> Callable[[], str]:
    """An operation that raises each of `failures` in turn, then returns "done"."""

    def op() -> str:
        if failures:
            raise failures.pop(0)
        return "done"

    return op


def test_waits_double_and_a_servers_wait_is_capped(monkeypatch: pytest.MonkeyPatch) -> None:
    slept: list[float] = []
    monkeypatch.setattr("sources.retry.time.sleep", slept.append)
    resets: list[int] = []
    policy = RetryPolicy(retries=4, backoff_s=0.5, max_wait_s=3.0)
    failures: list[Exception] = [OSError(), OSError(), Retry("throttled", after=30), OSError()]
    got = policy.retrying(
        "op",
        flaky(failures),
        lambda e: isinstance(e, OSError),
        RuntimeError,
        lambda: resets.append(1),
    )
    assert got == ("done", 4)
    assert slept == [0.5, 1.0, 3.0, 3.0]  # the Retry-After of 30 s and 0.5 * 2**3 are capped
    assert len(resets) == 4


def test_gives_up_after_the_retries_and_never_retries_other_errors(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("sources.retry.time.sleep", lambda s: None)
    policy = RetryPolicy(retries=1, backoff_s=0.1, max_wait_s=1.0)

    def give_up(e: Exception, n: int) -> Exception:
        return RuntimeError(f"{n} retries failed")

    with pytest.raises(RuntimeError, match="1 retries failed"):
        policy.retrying("op", flaky([OSError(), OSError()]), lambda e: True, give_up)
    with pytest.raises(KeyError):
        policy.retrying("op", flaky([KeyError()]), lambda e: isinstance(e, OSError), give_up)


def test_every_retrying_source_takes_the_same_option_names() -> None:
    names = set(retry_options(retries=1, backoff_s=1, max_wait_s=1))
    assert names == {"retries", "retry_backoff_s", "max_retry_wait_s"}
    for declared in (imap.OPTIONS, smb.OPTIONS, graph.OPTIONS, graph_files.OPTIONS):
        assert names <= set(declared)


def test_bad_retry_options_name_the_key(tmp_path: Path) -> None:
    schema = {"path": Opt(str), **retry_options(3, 1.0, 5.0)}
    table = {"type": "local", "path": ".", "retries": -1}
    source = from_dict({"source": [table]}, tmp_path).sources[0]
    with pytest.raises(ConfigError) as e:
        RetryPolicy.from_options(source, read_options(source, schema))
    assert e.value.key == "source[1].retries"
    source = from_dict({"source": [{**table, "retries": "3"}]}, tmp_path).sources[0]
    with pytest.raises(ConfigError, match="must be a int"):
        read_options(source, schema)
