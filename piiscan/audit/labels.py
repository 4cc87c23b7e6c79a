"""Entity type → the words a person reads in the report.

The report is read by privacy officers and managers, not by the people who wrote the
recognizers: "Belgian national number" says more to them than BE_NATIONAL_NUMBER.
A type we do not know (a user's own recognizer) is shown by its raw name, so nothing
is ever hidden behind a missing label.
"""

from __future__ import annotations

ENTITY_LABELS: dict[str, str] = {
    "IBAN_CODE": "IBAN",
    "BE_NATIONAL_NUMBER": "Belgian national number",
    "NL_BSN": "Dutch BSN",
    "BE_ENTERPRISE_NUMBER": "Belgian enterprise number",
    "NL_KVK": "Dutch KvK number",
    "VAT_NUMBER": "VAT number",
    "CREDIT_CARD": "Credit card number",
    "DATE_OF_BIRTH": "Date of birth",
    "EMAIL_ADDRESS": "E-mail address",
    "PHONE_NUMBER": "Phone number",
    "IP_ADDRESS": "IP address",
    "PERSON": "Person name",
    "POSTAL_ADDRESS": "Postal address",
    "MRZ": "Machine-readable zone (MRZ)",
    "ID_DOCUMENT": "ID document copy",
    "ID_DOCUMENT_NUMBER": "ID document number",
}


def entity_label(entity_type: str) -> str:
    """The human label of an entity type; the raw name when we have none."""
    return ENTITY_LABELS.get(entity_type, entity_type)
