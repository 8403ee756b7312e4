"""Every relative link in the README and docs/ leads somewhere: the file exists, and a
``#anchor`` into a Markdown file names one of its headings (GitHub's rule for heading ids).

The README is one link away from everything it used to say (issue 16), so a broken link there
loses a newcomer a page.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
FENCE = re.compile(r"^```.*?^```", re.MULTILINE | re.DOTALL)


def slug(heading: str) -> str:
    """GitHub's id for a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


def anchors(page: Path) -> set[str]:
    text = FENCE.sub("", page.read_text())
    return {slug(h) for h in re.findall(r"^#{1,6} (.+)$", text, re.MULTILINE)}


def links(page: Path) -> list[str]:
    """The relative links of a page, outside code blocks."""
    text = FENCE.sub("", page.read_text())
    return [t for t in LINK.findall(text) if not re.match(r"^[a-z]+:", t)]


def test_slugs_follow_githubs_rule():
    assert slug("7. Randomness — `sim/rng.py`") == "7-randomness--simrngpy"
    assert slug("Issue 15: one compiled day (first measurements, on a loaded machine)") == \
        "issue-15-one-compiled-day-first-measurements-on-a-loaded-machine"


def test_a_missing_file_or_anchor_is_found(tmp_path):
    page = tmp_path / "a.md"
    page.write_text("# Top\n\n[ok](a.md#top) [bad](b.md) [bad anchor](a.md#nowhere)\n")
    assert broken(page) == ["b.md", "a.md#nowhere"]


def broken(page: Path) -> list[str]:
    """The links of ``page`` whose file or anchor does not exist."""
    out = []
    for target in links(page):
        path, _, anchor = target.partition("#")
        dest = (page.parent / path).resolve() if path else page
        if not dest.exists() or (anchor and dest.suffix == ".md" and anchor not in anchors(dest)):
            out.append(target)
    return out


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_relative_link_resolves(page):
    assert broken(page) == []
