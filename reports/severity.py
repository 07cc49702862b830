"""How urgent a violation is and what to do about it: the order a compliance officer works in.

A National Insurance number in an undeclared HR folder and an e-mail address on a US server are
both "beyond the notice", but only one of them is a reportable breach waiting to happen. The rules
(documented in docs/scope-and-report.md, "Severity"):

- **high**: special-category data, a government ID, a payment card or bank details (an IBAN, a
  sort code, an account number) held beyond the notice's scope: in an undeclared store or
  category, outside the allowed locations, unencrypted where the notice promises encryption, or
  readable by more people than declared; and any personal data readable by a broad principal
  (Everyone, Authenticated Users, Domain Users, an anonymous share).
- **medium**: other categories beyond scope, and every item kept past its retention period.
- **low**: names and contact details stored outside the allowed locations.

Severity and the recommended action are computed in SQL inside the scope pass, so no violation
row passes through Python and both land in violations.parquet for exports and DuckDB users.
"""

from __future__ import annotations

import duckdb

from reports.labels import CATEGORY_LABELS, ENTITY_LABELS, SEVERITIES, in_sentence

SENSITIVE_CATEGORIES = ("special_category", "government_id", "payment_card")
# `billing` also covers VAT numbers (a company's, usually): only these make it bank details.
BANK_ENTITIES = ("IBAN_CODE", "UK_SORT_CODE", "UK_BANK_ACCOUNT")
# Retention is about time, not scope: a sensitive item past retention is still `medium`.
SCOPE_KINDS = (
    "store_not_declared",
    "category_not_declared",
    "access_broader_than_declared",
    "location_not_allowed",
    "unencrypted",
)
LOW_LOCATION_CATEGORIES = ("name", "contact")


def _sql_list(values: tuple[str, ...]) -> str:
    return "[" + ", ".join(_sql_str(v) for v in values) + "]"


def _sql_in(values: tuple[str, ...]) -> str:
    return "(" + ", ".join(_sql_str(v) for v in values) + ")"


def _sql_str(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _sql_map(table: dict[str, str]) -> str:
    return "MAP {" + ", ".join(f"{_sql_str(k)}: {_sql_str(v)}" for k, v in table.items()) + "}"


def install_macros(con: duckdb.DuckDBPyConnection) -> None:
    """Label macros, so sentences written in SQL read `National Insurance number`, not `UK_NINO`.

    `category_label(code)` gives the lower-case label used inside a sentence, `entity_labels(list)`
    a comma-separated list of entity labels; unknown codes fall back to a readable form.
    """
    cats = {k: in_sentence(v) for k, v in CATEGORY_LABELS.items()}
    con.execute(
        f"CREATE OR REPLACE TEMP MACRO category_label(c) AS "
        f"coalesce({_sql_map(cats)}[c], lower(replace(c, '_', ' ')))"
    )
    con.execute(
        f"CREATE OR REPLACE TEMP MACRO entity_label(e) AS "
        f"coalesce({_sql_map(ENTITY_LABELS)}[e], lower(replace(e, '_', ' ')))"
    )
    con.execute(
        "CREATE OR REPLACE TEMP MACRO entity_labels(es) AS "
        "array_to_string(list_transform(es, lambda e: entity_label(e)), ', ')"
    )


def severity_sql(v: str = "v") -> str:
    """SQL expression giving `high`, `medium` or `low` for violation rows aliased `v`.

    Needs the columns kind, category, entity_types and broad (a broad principal can read it).
    """
    sensitive = (
        f"({v}.category IN {_sql_in(SENSITIVE_CATEGORIES)} OR "
        f"list_has_any({v}.entity_types, {_sql_list(BANK_ENTITIES)}))"
    )
    high, medium, low = SEVERITIES
    return f"""CASE
        WHEN {sensitive} AND {v}.kind IN {_sql_in(SCOPE_KINDS)} THEN '{high}'
        WHEN {v}.kind = 'access_broader_than_declared' AND {v}.broad THEN '{high}'
        WHEN {v}.kind = 'location_not_allowed'
            AND {v}.category IN {_sql_in(LOW_LOCATION_CATEGORIES)} THEN '{low}'
        ELSE '{medium}' END"""


def action_sql(v: str = "v", s: str = "s") -> str:
    """SQL expression: the recommended action for violation `v` of store `s`, one sentence.

    Uses v.kind, v.category, v.detail, v.folder and the store's name, readers_text,
    locations_text and retention_text (reports/scope.py builds them).
    """
    return f"""CASE {v}.kind
    WHEN 'store_not_declared' THEN printf('Declare the store that %s belongs to in the'
        || ' privacy notice, with the data it holds; or delete the data, or move it to a store'
        || ' the notice declares.', {v}.folder)
    WHEN 'category_not_declared' THEN printf('Declare %s for %s in the privacy notice; or'
        || ' delete this data, or move it to a store that declares it.',
        category_label({v}.category), {s}.name)
    WHEN 'retention_exceeded' THEN printf('Delete the item (or the personal data in it); or'
        || ' record why it must be kept longer than the %s retention the notice gives.',
        {s}.retention_text)
    WHEN 'access_broader_than_declared' THEN printf('Restrict access to %s: remove %s.',
        {s}.readers_text, {v}.detail)
    WHEN 'location_not_allowed' THEN printf('Move the data to an allowed location (%s); or'
        || ' declare %s in the privacy notice.', {s}.locations_text, {v}.detail)
    ELSE printf('Encrypt the item or the storage it is on, as the notice says %s is; or'
        || ' delete this unencrypted copy.', {s}.name)
    END"""
