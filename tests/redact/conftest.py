import pytest

from piiscan.detect.engine import Detector
from piiscan.redact.styles import Replacer
from piiscan.redact.text import TextRedaction

KEY = b"redaction-test-key-0123456789abc"


@pytest.fixture(scope="session")
def detector():
    return Detector()


@pytest.fixture
def redaction(detector):
    """The default style: labels ("[IBAN_CODE]")."""
    return TextRedaction(detector, Replacer("label", KEY))


@pytest.fixture
def pseudonymise(detector):
    return TextRedaction(detector, Replacer("pseudonym", KEY))
