"""The notice's data categories, and entity type -> category (the words notice and config use).

An entity type absent from this table is not personal data on its own (DATE_TIME, URL,
ORGANIZATION, a bare LOCATION such as a city) and is never reported.
"""

from __future__ import annotations

# The notice's data categories: the words a store's `categories` and the report use.
CATEGORIES = (
    "name",
    "contact",
    "address",
    "billing",
    "payment_card",
    "government_id",
    "date_of_birth",
    "special_category",
    "online_identifier",
)

CATEGORY_OF: dict[str, str] = {
    "PERSON": "name",
    "EMAIL_ADDRESS": "contact",
    "PHONE_NUMBER": "contact",
    "ADDRESS": "address",
    "UK_POSTCODE": "address",
    "IBAN_CODE": "billing",
    "UK_SORT_CODE": "billing",
    "UK_BANK_ACCOUNT": "billing",
    "VAT_NUMBER": "billing",
    "CREDIT_CARD": "payment_card",
    "UK_NINO": "government_id",
    "UK_NHS": "government_id",
    "UK_PASSPORT": "government_id",
    "UK_DRIVING_LICENCE": "government_id",
    "DE_TAX_ID": "government_id",
    "FR_NIR": "government_id",
    "ES_NIF": "government_id",
    "IT_FISCAL_CODE": "government_id",
    "NL_BSN": "government_id",
    "IE_PPS": "government_id",
    "PL_PESEL": "government_id",
    "BE_NATIONAL_NUMBER": "government_id",
    "SE_PERSONNUMMER": "government_id",
    "DK_CPR": "government_id",
    "FI_HETU": "government_id",
    "NO_FODSELSNUMMER": "government_id",
    "DATE_OF_BIRTH": "date_of_birth",
    "HEALTH": "special_category",
    "IP_ADDRESS": "online_identifier",
}


def category_of(entity_type: str) -> str | None:
    """Return the category for an entity type, or None when it is not reported."""
    return CATEGORY_OF.get(entity_type)
