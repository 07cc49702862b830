"""The words people read for the codes in the Parquet files: kinds, categories, entities, states.

Codes (`retention_exceeded`, `UK_NINO`) stay stable for Parquet, exports, scripts and SQL;
everything a person reads (the terminal, the HTML report, the reason and action sentences) uses
these labels. One table per vocabulary, keyed by the code lists that define it, with a test that
the keys match, so a new category or entity cannot reach the report without a label.
"""

from __future__ import annotations

# The notice's rules, in the order the report lists them (reports/scope.py writes one row per
# (kind, store, item, category)).
KIND_LABELS: dict[str, str] = {
    "store_not_declared": "Store not in the notice",
    "category_not_declared": "Category not declared",
    "retention_exceeded": "Kept past retention",
    "access_broader_than_declared": "Readable by more people than declared",
    "location_not_allowed": "Stored outside allowed locations",
    "unencrypted": "Not encrypted as declared",
}
KINDS = tuple(KIND_LABELS)

CATEGORY_LABELS: dict[str, str] = {
    "name": "Names",
    "contact": "Contact details",
    "address": "Addresses",
    "billing": "Billing and bank details",
    "payment_card": "Payment cards",
    "government_id": "Government IDs",
    "date_of_birth": "Dates of birth",
    "special_category": "Health data (special category)",
    "online_identifier": "Online identifiers",
}

ENTITY_LABELS: dict[str, str] = {
    "PERSON": "person's name",
    "EMAIL_ADDRESS": "e-mail address",
    "PHONE_NUMBER": "phone number",
    "ADDRESS": "postal address",
    "UK_POSTCODE": "UK postcode",
    "IBAN_CODE": "IBAN",
    "UK_SORT_CODE": "sort code",
    "UK_BANK_ACCOUNT": "bank account number",
    "VAT_NUMBER": "VAT number",
    "CREDIT_CARD": "payment card number",
    "UK_NINO": "National Insurance number",
    "UK_NHS": "NHS number",
    "UK_PASSPORT": "passport number",
    "UK_DRIVING_LICENCE": "driving licence number",
    "DE_TAX_ID": "German tax ID (Steuer-ID)",
    "FR_NIR": "French social security number (NIR)",
    "ES_NIF": "Spanish DNI/NIE",
    "IT_FISCAL_CODE": "Italian fiscal code",
    "NL_BSN": "Dutch citizen service number (BSN)",
    "IE_PPS": "Irish PPS number",
    "PL_PESEL": "Polish PESEL",
    "BE_NATIONAL_NUMBER": "Belgian national number",
    "SE_PERSONNUMMER": "Swedish personal identity number",
    "DK_CPR": "Danish CPR number",
    "FI_HETU": "Finnish personal identity code",
    "NO_FODSELSNUMMER": "Norwegian national identity number",
    "DATE_OF_BIRTH": "date of birth",
    "HEALTH": "health information",
    "IP_ADDRESS": "IP address",
}

STATUS_LABELS: dict[str, str] = {
    "ok": "Read",
    "error": "Could not be read",
    "skipped": "Skipped",
    "encrypted": "Encrypted (password-protected)",
    "too_large": "Too large (a limit stopped it)",
    "timeout": "Timed out",
    "unsupported": "Format not supported",
}

# violations.parquet `review` (reports/review.py): the first is the default, no decision.
REVIEW_LABELS: dict[str, str] = {
    "open": "open",
    "accepted": "accepted",
    "false_positive": "false positive",
    "expired": "acceptance expired",
    "changed": "item changed since the decision: review again",
}

# Severity, most urgent first (the rules are in reports/severity.py).
SEVERITY_LABELS: dict[str, str] = {"high": "High", "medium": "Medium", "low": "Low"}
SEVERITIES = tuple(SEVERITY_LABELS)


def _fallback(code: str) -> str:
    """A readable form of a code no table knows yet (a status or entity added elsewhere)."""
    return code.replace("_", " ").strip().capitalize()


def kind_label(code: str) -> str:
    """Label of a violation kind."""
    return KIND_LABELS.get(code) or _fallback(code)


def category_label(code: str) -> str:
    """Label of a category of personal data."""
    return CATEGORY_LABELS.get(code) or _fallback(code)


def status_label(code: str) -> str:
    """Label of an item status."""
    return STATUS_LABELS.get(code) or _fallback(code)


def in_sentence(label: str) -> str:
    """`Government IDs` -> `government IDs`: a label used inside a sentence."""
    return label[:1].lower() + label[1:]


def labels() -> dict[str, dict[str, str]]:
    """Every table, for the report's script (which shows labels, and exports codes)."""
    return {
        "kind": dict(KIND_LABELS),
        "category": dict(CATEGORY_LABELS),
        "entity": dict(ENTITY_LABELS),
        "status": dict(STATUS_LABELS),
        "severity": dict(SEVERITY_LABELS),
        "review": dict(REVIEW_LABELS),
    }
