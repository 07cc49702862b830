"""Entity type -> the notice's data category (the words the privacy notice and config use).

An entity type absent from this table is not personal data on its own (DATE_TIME, URL,
ORGANIZATION, a bare LOCATION such as a city) and is never reported.
"""

from __future__ import annotations

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
    "DATE_OF_BIRTH": "date_of_birth",
    "HEALTH": "special_category",
    "IP_ADDRESS": "online_identifier",
}


def category_of(entity_type: str) -> str | None:
    """Return the category for an entity type, or None when it is not reported."""
    return CATEGORY_OF.get(entity_type)
