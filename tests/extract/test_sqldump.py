"""SQL dumps: COPY blocks and INSERT tuples as tables headed by their columns, the rest as text."""

from __future__ import annotations

import pytest

from scanner.config import Limits
from scanner.extract.base import TableSegment
from tests.extract.files import PERSON, detections, one

PG = """--
-- PostgreSQL database dump
--
SET client_encoding = 'UTF8';
COPY public.customers (id, first_name, last_name, street, note) FROM stdin;
17\tSigrún\tOddgeirsdóttir\tPaulsenspranget 14\t\\N
18\tZoë\tMüller\tLindenweg 14\tline one\\nline two
\\.
-- the end, by Jane Roe
"""

MY = f"""-- MySQL dump 10.13
CREATE TABLE `customers` (
  `id` int NOT NULL,
  `name` varchar(50),
  `street` varchar(100),
  PRIMARY KEY (`id`)
);
INSERT INTO `customers` VALUES (17,'{PERSON}','Paulsenspranget 14'),(18,'O\\'Brien, Seán','Rue de
l''Église 3');
INSERT INTO `customers` VALUES (19,NULL,_utf8mb4'Lindenweg 14');
INSERT INTO log (who) SELECT name FROM customers;
CREATE TABLE staff (id int, full_name varchar(80), CONSTRAINT pk PRIMARY KEY (id));
INSERT INTO staff VALUES (1,'Jane Roe');
"""


def test_copy_blocks_are_tables_headed_by_their_column_list() -> None:
    node = one(PG.encode(), "backup.dump")
    assert node.extractor == "sql"
    assert node.cells() == {
        "customers!A2": "17", "customers!B2": "Sigrún", "customers!C2": "Oddgeirsdóttir",
        "customers!D2": "Paulsenspranget 14",
        "customers!A3": "18", "customers!B3": "Zoë", "customers!C3": "Müller",
        "customers!D3": "Lindenweg 14", "customers!E3": "line one\nline two",
    }  # fmt: skip
    tables = [o for o in node.outputs if isinstance(o, TableSegment)]
    assert [t.header for t in tables] == [("id", "first_name", "last_name", "street", "note")]
    assert node.texts() == {
        "line 1": "--",
        "line 2": "-- PostgreSQL database dump",
        "line 3": "--",
        "line 4": "SET client_encoding = 'UTF8';",
        "line 9": "-- the end, by Jane Roe",
    }


def test_insert_tuples_take_the_create_tables_columns_and_rows_run_on() -> None:
    node = one(MY.encode(), "crm.sql")
    assert node.cells() == {
        "customers!A2": "17", "customers!B2": PERSON, "customers!C2": "Paulsenspranget 14",
        "customers!A3": "18", "customers!B3": "O'Brien, Seán",
        "customers!C3": "Rue de\nl'Église 3",
        "customers!A4": "19", "customers!C4": "Lindenweg 14",
        "staff!A2": "1", "staff!B2": "Jane Roe",
    }  # fmt: skip
    headers = {o.header for o in node.outputs if isinstance(o, TableSegment)}
    assert headers == {("id", "name", "street"), ("id", "full_name")}
    # what is not a list of tuples stays text, at its own line
    assert node.texts()["line 11"] == "INSERT INTO log (who) SELECT name FROM customers;"


def test_the_detectors_read_the_columns(detector) -> None:  # noqa: ANN001
    """As plain text no name was found in either dump."""
    for dump, name in ((PG, "pg.sql"), (MY, "my.sql")):
        found = detections(detector, dump.encode(), name)
        assert ("customers!B2", "PERSON") in found, name
        assert ("customers!C2" if name == "my.sql" else "customers!D2", "ADDRESS") in found, name


def test_a_huge_dump_stops_at_the_character_limit_and_says_so() -> None:
    rows = "".join(f"{i}\tPerson {i}\n" for i in range(50_000))
    data = f"COPY people (id, name) FROM stdin;\n{rows}\\.\n".encode()
    node = one(data, "big.sql", Limits(max_chars=10_000))
    assert node.status == "too_large"
    assert len(node.cells()) == 2 * 5_000  # one segment of rows of the 50,000, then it stopped


@pytest.mark.timeout(30)  # a hang guard, not a speed target: the quadratic reader took 68 s
def test_statements_never_ended_are_text_and_cost_no_more_than_a_read() -> None:
    """Broken INSERTs (a tuple never closed) end at the next statement, not at the file's end."""
    broken = "".join(f"INSERT INTO t VALUES ({i}, 'Jane Roe'\n" for i in range(5_000))
    node = one(broken.encode(), "broken.sql")
    assert node.texts()["line 5000"] == "INSERT INTO t VALUES (4999, 'Jane Roe'"
    assert len(node.texts()) == 5_000 and not node.cells()


def test_a_quoted_default_does_not_split_or_close_the_column_list() -> None:
    dump = (
        "CREATE TABLE contacts (\n  id int NOT NULL,\n  note varchar(40) DEFAULT 'a, b (c',\n"
        "  email text,\n  PRIMARY KEY (id)\n);\n"
        "INSERT INTO contacts VALUES (1,'x','jo@example.com');\n"
    )
    node = one(dump.encode(), "contacts.sql")
    headers = {o.header for o in node.outputs if isinstance(o, TableSegment)}
    assert headers == {("id", "note", "email")}
