"""The words people read for the codes in the Parquet files (kinds of violation, review states).

Codes stay stable for scripts and SQL; these labels are what the terminal and the report show.
"""

from __future__ import annotations

KIND_LABELS = {
    "store_not_declared": "Store not in the notice",
    "category_not_declared": "Category not declared",
    "retention_exceeded": "Kept past retention",
    "access_broader_than_declared": "Readable by more people than declared",
    "location_not_allowed": "Stored outside allowed locations",
    "unencrypted": "Not encrypted as declared",
}

# violations.parquet `review` (reports/review.py): the first is the default, no decision.
REVIEW_LABELS = {
    "open": "open",
    "accepted": "accepted",
    "false_positive": "false positive",
    "expired": "acceptance expired",
    "changed": "item changed since the decision: review again",
}
