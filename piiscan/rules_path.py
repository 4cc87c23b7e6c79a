"""Where the rules/ folder is: inside the installed package, or beside it in a checkout."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def default_rules_dir() -> Path:
    # A wheel carries rules/ inside the package (pyproject force-include); an editable
    # install or a plain checkout finds it at the repository's top level.
    for candidate in (_PACKAGE / "rules", _PACKAGE.parent / "rules"):
        if (candidate / "recognizers").is_dir():
            return candidate
    raise FileNotFoundError("piiscan's rules/ folder is missing from this installation")
