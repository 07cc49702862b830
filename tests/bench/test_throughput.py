"""bench.throughput bookkeeping: kinds of a real folder; recall per value and file x category."""

from pathlib import Path

import pytest

from bench.throughput import folder_corpus, recall


def test_any_folder_is_a_corpus_with_kinds_by_extension_and_no_truth(tmp_path: Path):
    for name in ("a.PDF", "mail/b.eml", "c.xlsx", "notes/d.txt", "e.bin", "f.docx"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(b"x")
    corpus = folder_corpus(tmp_path, None)
    kinds = {e["file"]: e["kind"] for e in corpus.manifest}
    assert kinds == {"a.PDF": "pdf", "mail/b.eml": "mail", "c.xlsx": "sheets",
                     "notes/d.txt": "prose", "e.bin": "other", "f.docx": "docx"}  # fmt: skip
    assert not corpus.planted


def test_recall_counts_values_and_file_category_pairs():
    manifest = [
        {"file": "a", "planted": [["PERSON", "name", "Jane Smith"], ["PERSON", "name", "Al Roe"],
                                  ["PHONE_NUMBER", "contact", "07700 900123"]]},
        {"file": "b", "planted": [["UK_NINO", "government_id", "AB 12 34 56 C"]]},
    ]  # fmt: skip
    found = {
        "a": [("name", "Ms Jane Smith"), ("contact", "+447700900123"), ("name", "Roe")],
        "b": [("contact", "AB123456C")],  # the right value under the wrong category
    }
    got = recall(manifest, {"a", "b"}, found)
    # "+447700900123" does not contain "07700900123": a different written form is a miss.
    assert got == {"value": (1, 4), "file_category": (1, 3)}
    assert recall(manifest, {"b"}, found) == {"value": (0, 1), "file_category": (0, 1)}


@pytest.mark.slow
def test_alternate_runs_both_checkouts_round_by_round(tmp_path: Path, capsys, monkeypatch):
    """bench.alternate on a two-letter folder, this checkout against itself: real scans."""
    import sys

    from bench import alternate

    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "a.txt").write_text("Dear Ms Carter, call me on 0113 496 0123.\n")
    (folder / "b.txt").write_text("Invoice 12 for Peter Holt, 1 High Street, Leeds LS6 2QT.\n")
    repo = Path(__file__).resolve().parents[2]
    argv = ["alternate", "--baseline", str(repo), "--corpus", str(folder), "--rounds", "1"]
    argv += ["--workers", "1"]  # the alternation is what is tested; one worker loads one model
    monkeypatch.setattr(sys, "argv", argv)
    alternate.main()
    out = capsys.readouterr().out
    assert out.count("round 1 ") == 2
    medians = [line.split() for line in out.splitlines() if line.startswith("  ")]
    assert [m[0] for m in medians] == ["baseline", "this"]
    for m in medians:
        primer, scan, net = map(float, m[-3:])
        assert primer > 0 and scan > 0 and abs(scan - primer - net) < 0.02
