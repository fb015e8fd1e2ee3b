"""The README's troubleshooting section explains every sentence an account's failure can show
(issue 8): a new failure kind without its line in the README fails here."""

from __future__ import annotations

from pathlib import Path

from adl_monitor.core.model.failure import ADVICE, FailureKind

README = Path(__file__).resolve().parent.parent / "README.md"


def _troubleshooting() -> str:
    text = README.read_text(encoding="utf-8")
    start = text.index("## Troubleshooting")
    end = text.index("\n## ", start + 1)
    return " ".join(text[start:end].split())


def test_every_failure_sentence_is_explained_in_the_readme() -> None:
    section = _troubleshooting()
    missing = [
        kind.value
        for kind in FailureKind
        if " ".join(ADVICE[kind].replace("{context}", "HOST").split()) not in section
    ]
    assert not missing, f"README's Troubleshooting does not explain: {missing}"
