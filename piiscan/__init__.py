"""piiscan: find and redact personal data in Belgian and Dutch file shares."""

__version__ = "0.1.0"
