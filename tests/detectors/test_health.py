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
]


@pytest.mark.parametrize(("text", "values"), HEALTH)
def test_health(detector, text, values):
    check(detector, text, "HEALTH", values)
