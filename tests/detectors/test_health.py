import pytest

from tests.detectors.helpers import check

HEALTH = [
    ("She was diagnosed with type 2 diabetes in May.", ["type 2 diabetes"]),
    ("Takes insulin daily.", ["insulin"]),
    ("Signed off by the GP with depression.", ["depression"]),
    ("Sickness absence: anxiety, fit note attached.", ["anxiety"]),
    ("Currently having chemotherapy for breast cancer.", ["chemotherapy", "breast cancer"]),
    # Non-medical readings.
    ("The market depression is easing.", []),
    ("Our team ran for Cancer Research UK.", []),
    ("Stress test of the server passed.", []),
    ("Bring visual aids to the meeting.", []),
    ("A stroke of luck.", []),
    ("She had an operation on her knee and is signed off until May.", ["had an operation"]),
    # Documentation: ambiguous words without a clinical cue.
    ("The operation fails when the condition is not met.", []),
    ("Each write operation is atomic; see the treatment of errors below.", []),
    ("Water treatment: the procedure removes infection risks from the health check.", []),
    ("If the field is disabled, the surgery module is referred to as legacy.", []),
    ("Set the stroke width of the pen before drawing.", []),
    # An abbreviation in lower case is a format or a domain unless a health cue stands near.
    ("- Add length info to ivf header", []),
    ("// ===BEGIN ICANN DOMAINS===\nhiv\nhk\nhm", []),
    ("He told his GP the hiv test came back positive.", ["hiv"]),
    ("Referred for IVF at the clinic.", ["IVF"]),
]


@pytest.mark.parametrize(("text", "values"), HEALTH)
def test_health(detector, text, values):
    check(detector, text, "HEALTH", values)


@pytest.mark.parametrize(
    "text",
    [
        *(text for text, _ in HEALTH),
        "DIAGNOSED WITH TYPE 2 DIABETES; Insulin Daily",
        "İstanbul clinic: Asthma and ANXIETY — £40 co-pay",  # İ lowers to two characters
        "Dıabetes and aſthma, ſtroke",  # re's IGNORECASE pairs ı with i and ſ with s
        "Épilepsie? EPILEPSY; Σ ΣΑΣ depreſſion, K-test, Ménière’s disease",
        "Crohn’s disease and Crohn's Disease; HIV/AIDS, Hearing AIDS",
    ],
)
def test_lower_cased_matching_finds_what_ignorecase_finds(text: str) -> None:
    from detectors.health import HealthRecognizer
    from detectors.pattern import ShapeRecognizer

    rec = HealthRecognizer()
    assert list(rec.candidates(text)) == list(ShapeRecognizer.candidates(rec, text))
