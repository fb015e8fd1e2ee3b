"""The design lives in the repo: nothing cites documents a contributor does not have, and every
relative link in the Markdown files leads to a file (and heading) that exists here."""

from __future__ import annotations

import re
import shutil
import subprocess
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
THIS_FILE = Path(__file__).resolve().relative_to(ROOT).as_posix()

# Documents that lived outside the repository while it was being written; docs/ replaces them.
OUTSIDE_DOCUMENTS = (b"DESIGN.md", b"VENUES.md", b"../shared")

_FENCE = re.compile(r"^(```|~~~).*?^\1", re.MULTILINE | re.DOTALL)
_INLINE_CODE = re.compile(r"`[^`\n]*`")
_INLINE_LINK = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
_REFERENCE_LINK = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)", re.MULTILINE)
_HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$", re.MULTILINE)


@cache
def tracked_files() -> tuple[str, ...]:
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout: the tracked files are unknown")
    listing = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True
    ).stdout.decode()
    return tuple(name for name in listing.split("\0") if name)


def markdown_files() -> list[str]:
    return [name for name in tracked_files() if name.endswith(".md")]


def _prose(markdown: str) -> str:
    """The text without code blocks and code spans, where a `[x](y)` is not a link."""
    return _INLINE_CODE.sub("", _FENCE.sub("", markdown))


def github_anchor(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = _INLINE_CODE.sub(lambda m: m.group(0).strip("`"), heading)
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)  # a link's text only
    text = re.sub(r"[^\w\- ]", "", text.strip().lower())
    return text.replace(" ", "-")


def anchors(path: Path) -> set[str]:
    return {github_anchor(h) for h in _HEADING.findall(_FENCE.sub("", path.read_text("utf-8")))}


def relative_links(markdown: str) -> list[str]:
    prose = _prose(markdown)
    targets = _INLINE_LINK.findall(prose) + _REFERENCE_LINK.findall(prose)
    return [t for t in targets if not re.match(r"^[a-z][a-z0-9+.-]*:", t, re.IGNORECASE)]


def broken_links(source: str) -> list[str]:
    """Each relative link of the Markdown file `source` that leads nowhere, with the reason."""
    source_path = ROOT / source
    broken = []
    for target in relative_links(source_path.read_text("utf-8")):
        file_part, _, anchor = target.partition("#")
        linked = (source_path.parent / file_part).resolve() if file_part else source_path
        if not linked.is_relative_to(ROOT) or not linked.exists():
            broken.append(f"{source}: {target} (no such file in the repo)")
        elif anchor and linked.suffix == ".md" and anchor not in anchors(linked):
            broken.append(f"{source}: {target} (no heading #{anchor} in {linked.name})")
    return broken


def test_no_file_cites_a_document_outside_the_repository() -> None:
    citing = [
        f"{name}: {needle.decode()}"
        for name in tracked_files()
        if name != THIS_FILE and (ROOT / name).is_file()
        for needle in OUTSIDE_DOCUMENTS
        if needle in (ROOT / name).read_bytes()
    ]
    assert citing == [], "point these at docs/ in the repo instead:\n" + "\n".join(citing)


def test_the_readme_and_docs_are_checked() -> None:
    """The link check below reads the files that matter (a glob gone wrong checks nothing)."""
    names = set(markdown_files())
    assert {"README.md", "docs/architecture.md", "docs/interfaces.md", "docs/venues.md"} <= names
    assert relative_links((ROOT / "README.md").read_text("utf-8")), "the README links into docs/"


@pytest.mark.parametrize(
    ("heading", "anchor"),
    [
        ("Ranking formulas (the local score)", "ranking-formulas-the-local-score"),
        ("ccxt notes (4.5.90)", "ccxt-notes-4590"),
        ("`api_url`", "api_url"),
        ("Live, stale, error", "live-stale-error"),
    ],
)
def test_anchors_follow_githubs_rule(heading: str, anchor: str) -> None:
    assert github_anchor(heading) == anchor


def test_every_relative_link_in_the_markdown_files_leads_somewhere() -> None:
    broken = [problem for name in markdown_files() for problem in broken_links(name)]
    assert broken == [], "\n".join(broken)
