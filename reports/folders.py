"""Where a person finds an item: its folder, or for a nested item its outermost container's.

A member of a zip, an attachment or a message in a mailbox file has a uri below its container
(`/srv/hr/old.zip#2019/pay.csv`), but the place to act on is the folder holding the container
(`/srv/hr`). Containers are followed up `parent_uri` in SQL (a recursive CTE), so the roll-up by
folder works at any scale; a mail folder (`imap://host/INBOX`) is the folder of its messages.
"""

from __future__ import annotations

import duckdb

# `/srv/hr/pay.csv` -> `/srv/hr`; `imap://host/INBOX/7:42` -> `imap://host/INBOX`; `a.txt` -> `.`
_FOLDER_MACRO = """
CREATE OR REPLACE TEMP MACRO folder_of(u) AS CASE
    WHEN strpos(u, '/') = 0 THEN '.'
    WHEN regexp_extract(u, '^(.*)/[^/]*$', 1) = '' THEN '/'
    ELSE regexp_extract(u, '^(.*)/[^/]*$', 1) END
"""


def install(con: duckdb.DuckDBPyConnection) -> None:
    """Define the `folder_of(uri)` macro on this connection."""
    con.execute(_FOLDER_MACRO)


def folders_sql(uris: str) -> str:
    """SQL giving (uri, folder) for the uris the subquery `uris` selects, via the `items` view.

    A uri absent from items (or whose chain breaks) gets no row: callers fall back to
    `folder_of(uri)`.
    """
    return f"""
    WITH RECURSIVE up(uri, cur, parent, depth) AS (
        SELECT uri, uri, parent_uri, 0 FROM items WHERE uri IN ({uris})
        UNION ALL
        SELECT up.uri, p.uri, p.parent_uri, up.depth + 1
        FROM up JOIN items p ON p.uri = up.parent WHERE up.depth < 64
    )
    SELECT uri, folder_of(arg_max(cur, depth)) AS folder FROM up GROUP BY uri
    """
