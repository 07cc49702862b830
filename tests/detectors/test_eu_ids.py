"""EU national identity numbers: should-match and should-not-match rows with exact spans.

Valid numbers are the public specimen numbers of each scheme (or built with the scheme's own
check digits); traps are what business text is full of: bare digit runs, order numbers, dates,
phone numbers and numbers that pass a checksum by chance.
"""

import pytest

from scanner.categories import CATEGORY_OF
from tests.detectors.helpers import check, found

CASES = [
    # Germany: Steuer-ID needs its cue; 1 in ~20 random 11-digit runs passes the check.
    ("DE_TAX_ID", "Steuer-ID: 36 574 261 809", ["36 574 261 809"]),
    ("DE_TAX_ID", "Steueridentifikationsnummer 86095742719.", ["86095742719"]),
    ("DE_TAX_ID", "IdNr 36/574/261/809", ["36/574/261/809"]),
    ("DE_TAX_ID", "Auftrag 36574261809 versandt", []),
    ("DE_TAX_ID", "Steuer-ID: 12345678901", []),
    # France: NIR with its key is telling even without a cue.
    ("FR_NIR", "N° de sécurité sociale : 1 85 05 78 006 084 91", ["1 85 05 78 006 084 91"]),
    ("FR_NIR", "NIR 269029934173285", ["269029934173285"]),
    ("FR_NIR", "Dossier 269029934173285 transmis", ["269029934173285"]),
    ("FR_NIR", "NIR 269029934173286", []),
    ("FR_NIR", "Commande 185137800608491", []),
    # Spain: DNI and NIE letters.
    ("ES_NIF", "DNI 12345678Z", ["12345678Z"]),
    ("ES_NIF", "NIE: X-1234567-L, expedido en Madrid", ["X-1234567-L"]),
    ("ES_NIF", "titular 12.345.678-Z", ["12.345.678-Z"]),
    ("ES_NIF", "DNI 12345678A", []),
    ("ES_NIF", "Ref 12345678Z2", []),
    # Italy: codice fiscale, check letter and date.
    ("IT_FISCAL_CODE", "Codice fiscale: RSSMRA85T10A562S", ["RSSMRA85T10A562S"]),
    ("IT_FISCAL_CODE", "CF MRTMTT91D08F205J, residente a Milano", ["MRTMTT91D08F205J"]),
    ("IT_FISCAL_CODE", "RSSMRA85T10A562X", []),
    ("IT_FISCAL_CODE", "build ABCDEF12G34H567I", []),
    # Netherlands: BSN only with a cue (a random 9-digit run passes 1 in 11).
    ("NL_BSN", "BSN: 111222333", ["111222333"]),
    ("NL_BSN", "Burgerservicenummer 1234.56.782", ["1234.56.782"]),
    ("NL_BSN", "Factuurnummer 111222333", []),
    ("NL_BSN", "BSN 123456789", []),
    # Ireland: PPS number.
    ("IE_PPS", "PPS No. 1234567T", ["1234567T"]),
    ("IE_PPS", "PPSN: 6433435FW", ["6433435FW"]),
    ("IE_PPS", "Part 1234567T in stock", []),
    ("IE_PPS", "PPS 1234567A", []),
    # Poland: PESEL.
    ("PL_PESEL", "PESEL: 44051401359", ["44051401359"]),
    ("PL_PESEL", "nr zamówienia 44051401359", []),
    ("PL_PESEL", "PESEL 44051401358", []),
    # Belgium: the dotted form is telling, bare digits need a cue.
    ("BE_NATIONAL_NUMBER", "Rijksregisternummer 85.07.30-033.28", ["85.07.30-033.28"]),
    ("BE_NATIONAL_NUMBER", "titulaire 85.07.30-033.28", ["85.07.30-033.28"]),
    ("BE_NATIONAL_NUMBER", "Numéro national: 85073003328", ["85073003328"]),
    ("BE_NATIONAL_NUMBER", "Bestelling 85073003328", []),
    ("BE_NATIONAL_NUMBER", "Rijksregisternummer 85.07.30-033.29", []),
    # Sweden: personnummer; the bare 10-digit form only with a cue.
    ("SE_PERSONNUMMER", "Personnummer: 811228-9874", ["811228-9874"]),
    ("SE_PERSONNUMMER", "pnr 19811228-9874", ["19811228-9874"]),
    ("SE_PERSONNUMMER", "Personnr. 670919-9530", ["670919-9530"]),
    ("SE_PERSONNUMMER", "sökande 670919-9530", []),  # dashed, no cue: date-based order numbers
    ("SE_PERSONNUMMER", "Ordernummer 8112289874", []),
    ("SE_PERSONNUMMER", "Personnummer 811228-9875", []),
    # Denmark: CPR has no check digit, so a cue decides.
    ("DK_CPR", "CPR-nr. 211062-5629", ["211062-5629"]),
    ("DK_CPR", "Faktura 211062-5629", []),
    ("DK_CPR", "CPR-nr. 321062-5629", []),
    # Finland: HETU with its check character.
    ("FI_HETU", "Henkilötunnus 131052-308T", ["131052-308T"]),
    ("FI_HETU", "hakija 131052-308T, Helsinki", ["131052-308T"]),
    ("FI_HETU", "131052-308U", []),
    # Norway: fødselsnummer with a cue.
    ("NO_FODSELSNUMMER", "Fødselsnummer: 15108695088", ["15108695088"]),
    ("NO_FODSELSNUMMER", "Ordre 15108695088", []),
]


@pytest.mark.parametrize(("entity", "text", "values"), CASES)
def test_eu_ids(detector, entity, text, values):
    check(detector, text, entity, values)


TRAPS = [
    "Order 4111111111111111 shipped 12.03.2024, tracking 00340434161094042557",
    "Version 2.11.1044, build 20240312-1530, commit 9fceb02d0ae598e95dc970b74767f19372d61af8",
    "Call +49 30 12345678 or 030 1234567 between 12:00 and 14:00",
    "Amounts: 1234567.89 EUR, 9876543.21 EUR; invoice 2024-000123",
    "Luhn-valid serial 8112289874 and 7992739871 on the asset list",
]


@pytest.mark.parametrize("text", TRAPS)
def test_no_eu_id_in_business_noise(detector, text):
    ids = {e for e, c in CATEGORY_OF.items() if c == "government_id" and not e.startswith("UK")}
    assert [f for f in found(detector, text) if f[0] in ids] == []


def test_column_header_is_the_cue(detector):
    from tests.detectors.helpers import table

    got = table(detector, ("Name", "BSN"), [["J. de Vries", "111222333"], ["A. Bakker", "x"]])
    assert ("Sheet1!B2", "NL_BSN", "111222333") in got


def test_reason_names_the_check_and_the_cue(detector):
    from scanner.extract.base import TextSegment

    (d,) = [
        d
        for d in detector.detect([TextSegment("body", "PESEL: 44051401359")])
        if d.entity_type == "PL_PESEL"
    ]
    assert d.reason == (
        "PeselRecognizer: shape pesel, weighted mod 10 and birth date ok, cue 'pesel' +0.50"
    )
    assert "44051401359" not in d.reason
