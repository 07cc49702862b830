"""One way to wait out a dropped connection or a throttled request: capped exponential backoff.

Every network source that retries by itself (IMAP, SMB, Microsoft Graph) retries through this
module, under the same three options of its `[[source]]` table: `retries` (how many times after
the first try), `retry_backoff_s` (the first wait; each next one doubles) and
`max_retry_wait_s` (the longest single wait; a server's `Retry-After` is capped by it too). Each
retry is logged (stdlib logging, which the run log takes in) and counted, and the count goes
back to the caller so the item records it. EWS does not use it: exchangelib retries by itself
(its FaultTolerance policy, the `max_wait_s` option).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from scanner.config import SourceConfig
from scanner.errors import ConfigError
from scanner.options import Opt

T = TypeVar("T")


def retry_options(retries: int, backoff_s: float, max_wait_s: float) -> dict[str, Opt]:
    """The three retry options, with the defaults that suit one source type's protocol."""
    return {
        "retries": Opt(int, retries),
        "retry_backoff_s": Opt(float, backoff_s),
        "max_retry_wait_s": Opt(float, max_wait_s),
    }


log = logging.getLogger(__name__)


class Retry(Exception):  # noqa: N818 - a request to retry, not an error
    """Raised by an operation whose answer asks for another try (HTTP 429/503/504)."""

    def __init__(self, problem: str, after: float | None = None) -> None:
        super().__init__(problem)
        self.after = after  # the server's Retry-After, in seconds, when it gave one


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How often and how long to wait: the source's defaults, overridden by its options."""

    retries: int
    backoff_s: float
    max_wait_s: float

    @classmethod
    def from_options(cls, config: SourceConfig, values: dict[str, Any]) -> RetryPolicy:
        """The policy from a source's options read against retry_options() (read_options)."""
        policy = cls(values["retries"], values["retry_backoff_s"], values["max_retry_wait_s"])
        if policy.retries < 0 or policy.backoff_s < 0 or policy.max_wait_s < 0:
            raise ConfigError(
                config.key("retries"),
                "retries, retry_backoff_s and max_retry_wait_s must be 0 or more",
                "use e.g. retries = 3, retry_backoff_s = 0.5",
            )
        return policy

    def pause(
        self,
        what: str,
        problem: object,
        attempt: int,
        give_up: Callable[[int], Exception],
        after: float | None = None,
    ) -> None:
        """Wait before retry number `attempt + 1`, or raise give_up(attempt) when none is left.

        For loops that retry in their own way (a download resuming at the byte it reached);
        others call retrying().
        """
        if attempt >= self.retries:
            raise give_up(attempt)
        self._wait(what, problem, attempt, after)

    def _wait(self, what: str, problem: object, attempt: int, after: float | None) -> None:
        wait = min(self.backoff_s * 2**attempt if after is None else after, self.max_wait_s)
        log.warning(
            "%s: %s; retry %d of %d in %.1f s", what, problem, attempt + 1, self.retries, wait
        )
        time.sleep(wait)

    def retrying(
        self,
        what: str,
        op: Callable[[], T],
        transient: Callable[[Exception], bool],
        give_up: Callable[[Exception, int], Exception],
        reset: Callable[[], None] | None = None,
    ) -> tuple[T, int]:
        """Run `op` until it succeeds; return its value and how many retries it took.

        An exception `transient` accepts (or a Retry) is retried after `reset` (drop the broken
        connection); any other goes up at once. When the retries are used up, give_up(the last
        exception, the retries made) is raised from it.
        """
        attempt = 0
        while True:
            try:
                return op(), attempt
            except Exception as exc:  # classified below, never swallowed
                if not isinstance(exc, Retry) and not transient(exc):
                    raise
                if reset is not None:
                    reset()
                if attempt >= self.retries:
                    raise give_up(exc, attempt) from exc
                self._wait(what, exc, attempt, exc.after if isinstance(exc, Retry) else None)
                attempt += 1
