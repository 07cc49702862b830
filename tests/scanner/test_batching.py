"""Items share the model stage, and every guarantee of one item at a time still holds.

The real ItemProcessor with the real detector in-process (same rows batched or not), then a
real WorkerPool of one spawned worker process: an item with nothing queued behind it is never
held back, an item waits only for a task already on the worker's pipe, and a hang inside a
batch is recorded truthfully (the stuck item `timeout`, the items that only waited run again or
become error rows, nothing twice, nothing lost). The hanging and slow extractors come from the
test hook tests/fixtures/hooks/sitecustomize.py, installed in the worker by PYTHONPATH.
"""

from __future__ import annotations

import dataclasses
import email.message
import io
import mailbox
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from scanner import config as config_mod
from scanner import worker
from scanner.config import ScanConfig
from scanner.models import Item, ItemResult
from scanner.pool import WorkerPool
from scanner.privacy import Redactor
from scanner.worker import ItemProcessor
from tests.conftest import REPO

HOOKS = REPO / "tests" / "fixtures" / "hooks"
# Prose whose names only the model finds (no listed full name, no title): the item needs the
# model stage, so it is one that waits.
MODEL_TEXTS = [
    "Meeting with Sanderson and Nakamura about the lease on Tuesday.",
    "I met Hannah at the depot after the delivery.",
    "We spoke with Rhys about the Blackwood account; Rhys will send it.",
    "Ask Sanderson whether Nakamura signed the lease.",
]


def fresh(n: int, tag: str) -> str:
    """MODEL_TEXTS[n], made unique to a test (a worker remembers content it has seen)."""
    return f"{MODEL_TEXTS[n]} Ref {tag}."


def mail(subject: str, body: str, attachment: bytes | None = None) -> email.message.EmailMessage:
    msg = email.message.EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = "a@example.org", "b@example.org", subject
    msg.set_content(body)
    if attachment is not None:
        msg.add_attachment(attachment, maintype="application", subtype="octet-stream",
                           filename="scan.dat")  # fmt: skip
    return msg


def mbox_bytes(tmp_path: Path, messages: list[email.message.EmailMessage]) -> bytes:
    path = tmp_path / f"box-{len(list(tmp_path.iterdir()))}.mbox"
    box = mailbox.mbox(path)
    for m in messages:
        box.add(m)
    box.close()
    return path.read_bytes()


def zip_bytes(members: dict[str, str]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name, text in members.items():
            z.writestr(name, text)
    return out.getvalue()


def item(name: str, data: bytes) -> Item:
    return Item(uri=f"/share/{name}", source="s", store="x", name=name, data=data)


def rows(results: list[ItemResult]) -> list[tuple[Any, ...]]:
    return sorted(
        (r.item.uri, r.status, r.message, r.chars_extracted,
         tuple(sorted((f.location, f.entity_type, f.start, f.end, f.value_hash, f.reason)
                      for f in r.findings)))
        for r in results
    )  # fmt: skip


def test_batched_items_give_the_rows_of_items_done_one_by_one(
    tmp_path: Path, detector: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    letters = [item(f"letter{n}.txt", t.encode()) for n, t in enumerate(MODEL_TEXTS)]
    box = mbox_bytes(tmp_path, [mail(f"m{n}", t) for n, t in enumerate(MODEL_TEXTS)])
    archive = zip_bytes({"a.txt": MODEL_TEXTS[0], "b.txt": "No names here, 07700 900461."})
    tasks = [
        *letters[:2],
        item("inbox.mbox", box),
        item("copy.txt", MODEL_TEXTS[1].encode()),  # the same content as a waiting item
        item("notes.zip", archive),
        *letters[2:],
    ]
    cfg = config_mod.for_paths([tmp_path], tmp_path / "out")

    def process(batched: bool) -> tuple[list[tuple[Any, ...]], int]:
        processor = ItemProcessor(cfg, detector, {}, Redactor(b"k" * 32))
        calls = 0
        run_model = detector.run_model

        def counting(plans: Any) -> None:
            nonlocal calls
            calls += 1
            run_model(plans)

        processor.detector = _Counting(detector, counting)
        sent: list[tuple[Any, ...]] = []
        for n, it in enumerate(tasks):
            queued = batched and n < len(tasks) - 1  # the next task is on the pipe already
            processor.run(n, it, sent.append, more=lambda q=queued: q)
        assert_protocol(sent)
        done = [m[2] for m in sent if m[0] == "done"]
        # The shared model time is apportioned to the items that needed it.
        assert all(r.detect_s > 0 for r in done if r.item.name.startswith("letter"))
        return rows(done), calls

    alone, calls_alone = process(batched=False)
    together, calls_together = process(batched=True)
    assert together == alone
    assert len(alone) == len(tasks) + len(MODEL_TEXTS) + 2  # mbox messages, zip members
    people = sum(e == "PERSON" for r in alone for (_, e, *_) in r[4])
    assert people >= 10
    assert calls_together == 1 < calls_alone  # one model stage for everything, under the bounds
    monkeypatch.setattr(worker, "BATCH_ITEMS", 4)  # a full batch is flushed mid-task
    bounded, calls_bounded = process(batched=True)
    assert bounded == alone
    assert 1 < calls_bounded < calls_alone


class _Counting:
    """The real detector, its model stage counted."""

    def __init__(self, real: Any, run_model: Any) -> None:
        self.real = real
        self.run_model = run_model

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real, name)


def assert_protocol(sent: list[tuple[Any, ...]]) -> None:
    """Every item begun is done once; a task's top-level item is its last; waits precede dones."""
    begun: dict[int, list[str]] = {}
    done: dict[int, list[str]] = {}
    for kind, task, payload in sent:
        if kind == "begin":
            begun.setdefault(task, []).append(payload.uri)
        elif kind == "waiting":
            assert payload in begun[task] and payload not in done.get(task, [])
        else:
            done.setdefault(task, []).append(payload.item.uri)
    assert {t: sorted(u) for t, u in begun.items()} == {t: sorted(u) for t, u in done.items()}
    for task, uris in done.items():
        assert uris[-1] == begun[task][0]


# -- a real worker process ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def pool_config(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ScanConfig]:
    """A config whose workers load the test hook (HANG!/SLOW! extractors), 5 s item deadline."""
    tmp = tmp_path_factory.mktemp("batch")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PYTHONPATH", f"{HOOKS}:{REPO}")
        mp.setenv("NOTICESCAN_TEST_BAD_EXTRACTOR", "1")
        cfg = config_mod.for_paths([tmp], tmp / "out")
        yield dataclasses.replace(cfg, limits=dataclasses.replace(cfg.limits, item_timeout_s=5))


class Recorder:
    """A one-worker pool whose messages and results are kept in the order they came."""

    def __init__(self, config: ScanConfig) -> None:
        self.results: list[tuple[ItemResult, str]] = []
        self.log: list[tuple[str, str]] = []  # (kind, uri) as the main process saw them
        self.pool = WorkerPool(config, 1, lambda r, top: self.results.append((r, top)))
        handle = self.pool._handle

        def logged(worker: Any, msg: tuple[Any, ...]) -> None:
            if msg[0] in ("begin", "waiting", "done"):
                payload = msg[2]
                uri = payload if isinstance(payload, str) else getattr(payload, "uri", None)
                self.log.append((msg[0], uri or payload.item.uri))
            handle(worker, msg)

        self.pool._handle = logged  # type: ignore[method-assign]

    def run(
        self, items: list[Item], limit_s: float = 90.0, at_once: bool = False
    ) -> dict[str, ItemResult]:
        """Submit as the scan does (while there is capacity); wait until every task is done.

        `at_once` sends every task before the worker can finish one (it must be busy).
        """
        start = len(self.results)
        deadline = time.monotonic() + limit_s
        pending = list(items)
        while pending or self.pool.in_flight:
            assert time.monotonic() < deadline, f"stalled: {self.log[-5:]}"
            while pending and (at_once or self.pool.has_capacity()):
                self.pool.submit(pending.pop(0))
            self.pool.poll(0.1)
        got = self.results[start:]
        by_uri = {r.item.uri: r for r, _ in got}
        assert len(by_uri) == len(got), "an item was recorded twice"
        return by_uri


@pytest.fixture(scope="module")
def recorder(pool_config: ScanConfig) -> Iterator[Recorder]:
    rec = Recorder(pool_config)
    yield rec
    rec.pool.close()


@pytest.mark.slow
def test_an_item_waits_only_for_work_already_queued(recorder: Recorder) -> None:
    alone = item("alone.txt", fresh(0, "alone").encode())
    got = recorder.run([alone], limit_s=60)  # nothing else comes: it must finish by itself
    assert got[alone.uri].status == "ok" and got[alone.uri].findings
    # The worker sleeps 1.5 s in `busy`, so `first` and `slow` are both on its pipe by then.
    busy = item("busy.txt", b"SLOW! No names in here.")
    first = item("first.txt", fresh(1, "first").encode())
    slow = item("slow.txt", b"SLOW!" + fresh(2, "slow").encode())
    recorder.log.clear()
    got = recorder.run([busy, first, slow], at_once=True)
    # `slow` was queued when `first` was extracted: first waited and finished with it.
    assert recorder.log.index(("begin", slow.uri)) < recorder.log.index(("done", first.uri))
    assert got[first.uri].status == "ok" and got[slow.uri].status == "ok"
    names = {f.evidence_masked for f in got[first.uri].findings}
    assert names == {"H*****"}


@pytest.mark.slow
def test_a_hang_in_a_batch_is_recorded_and_the_waiting_items_are_not_lost(
    recorder: Recorder, tmp_path: Path
) -> None:
    busy = item("busy.txt", b"SLOW! No names in here either.")  # all queued behind it
    waiting = [item(f"w{n}.txt", fresh(n, "hang").encode()) for n in range(2)]
    hang = item("hang.dat", b"HANG! a parser that never returns")
    later = item("later.txt", fresh(3, "hang").encode())
    recorder.log.clear()
    got = recorder.run([busy, *waiting, hang, later], at_once=True)
    assert got[hang.uri].status == "timeout"
    assert "limits.item_timeout_s" in (got[hang.uri].message or "")
    for it in [*waiting, later]:  # nothing of them was reported before the kill: run again
        assert got[it.uri].status == "ok" and got[it.uri].findings, got[it.uri]
    assert ("waiting", waiting[0].uri) in recorder.log[: recorder.log.index(("begin", hang.uri))]
    assert recorder.log.count(("begin", waiting[0].uri)) == 2  # waited at the kill, then again

    # Inside one mbox the messages before the hang had waited: they cannot be reported alone
    # (a task's rows are one group), so they are error rows that say why; nothing is lost.
    box = mbox_bytes(
        tmp_path,
        [
            mail("m1", fresh(0, "m1")),
            mail("m2", fresh(1, "m2")),
            mail("m3", "See the scan.", attachment=b"HANG! stuck in an attachment"),
        ],
    )
    inbox = item("inbox.mbox", box)
    got = recorder.run([inbox])
    status = {uri.removeprefix(inbox.uri): (r.status, r.message or "") for uri, r in got.items()}
    assert set(status) == {"", "#1", "#2", "#3", "#3/attachments/scan.dat"}
    assert status["#3/attachments/scan.dat"][0] == "timeout"
    for waited in ("#1", "#2"):
        assert status[waited][0] == "error" and "waited for detection" in status[waited][1]
    for outer in ("#3", ""):
        assert status[outer][0] == "error" and "nested item" in status[outer][1]
    assert [r for r, top in recorder.results if top == inbox.uri][-1].item.uri == inbox.uri
    assert recorder.pool.restarts == 2
