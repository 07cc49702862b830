"""The IMAP wire helpers, on answer shapes real servers send (RFC 3501 examples and variants)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from sources.imap_proto import (
    decode_mutf7,
    encode_mutf7,
    parse_fetch,
    parse_internaldate,
    parse_list,
    uid_sets,
)


@pytest.mark.parametrize(
    ("text", "wire"),
    [
        ("INBOX", "INBOX"),
        ("Acme & Co", "Acme &- Co"),
        ("Kunden/Müller", "Kunden/M&APw-ller"),
        ("~peter/mail/台北/日本語", "~peter/mail/&U,BTFw-/&ZeVnLIqe-"),  # RFC 3501 5.1.3
        ("€ & £", "&IKw- &- &AKM-"),
    ],
)
def test_modified_utf7_both_ways(text: str, wire: str) -> None:
    assert encode_mutf7(text) == wire
    assert decode_mutf7(wire) == text


def test_parse_list_quoted_atom_nil_and_literal_names() -> None:
    entries = parse_list(
        [
            b'(\\HasNoChildren) "/" INBOX',
            b'(\\Noselect \\HasChildren) "/" "Customers"',
            b'(\\HasNoChildren) "/" "Say \\"hi\\""',
            b"(\\HasNoChildren) NIL Flat",
            (b'(\\HasNoChildren) "/" {11}', b"Odd name/x1"),
            None,
        ]
    )
    assert [e.name for e in entries] == ["INBOX", "Customers", 'Say "hi"', "Flat", "Odd name/x1"]
    assert [e.selectable for e in entries] == [True, False, True, True, True]
    assert entries[3].delimiter is None and entries[0].delimiter == "/"


def test_parse_fetch_items_before_and_after_the_literal() -> None:
    rows = [
        (
            b'1 (UID 7 RFC822.SIZE 120 INTERNALDATE "17-Jul-1996 02:44:25 -0700" BODY[HEADER] {6}',
            b"A: b\r\n",
        ),
        b")",
        (b"2 (RFC822.SIZE 5 BODY[HEADER] {4}", b"\r\n\r\n"),
        b' UID 9 INTERNALDATE " 1-Feb-2020 00:00:00 +0000")',
        b"3 (UID 10 RFC822.SIZE 0)",
    ]
    got = parse_fetch(rows)
    assert [(f.uid, f.size, f.header) for f in got] == [
        (7, 120, b"A: b\r\n"),
        (9, 5, b"\r\n\r\n"),
        (10, 0, b""),
    ]
    assert got[0].internal_date == datetime(1996, 7, 17, 9, 44, 25, tzinfo=UTC)
    assert got[1].internal_date == datetime(2020, 2, 1, tzinfo=UTC)


def test_bad_internaldate_is_none() -> None:
    assert parse_internaldate("17-Foo-1996 02:44:25 -0700") is None
    assert parse_internaldate("yesterday") is None


def test_uid_sets_compress_runs_and_split_batches() -> None:
    assert uid_sets([1, 2, 3, 5, 7, 8], 10) == ["1:3,5,7:8"]
    assert uid_sets([1, 2, 3, 5, 7, 8], 4) == ["1:3,5", "7:8"]
    assert uid_sets([], 4) == []
