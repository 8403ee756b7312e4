"""Checking that every number in a scenario names its source (see STYLE.md, "Parameters").

A source is one of: a seed fact ``seeds/<file>.md#<anchor>`` (the anchor must exist), a cited
paper ("Author [& Author] YYYY"), ``calibrated``, or ``assumption`` — optionally followed by
words of explanation. The ``sources:`` map of a scenario assigns them to field paths, where
``*`` matches any run of characters (``actors.*.behaviour.*``).
"""

from __future__ import annotations

import re
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any

SEED_REF = re.compile(r"seeds/[\w./-]+\.md#[\w-]+")
CITATION = re.compile(r"[A-Z][A-Za-z'\-]+( (&|and|et al\.?) ?[A-Z]?[A-Za-z'\-]*)*,? \d{4}")
KEYWORDS = ("calibrated", "assumption")
# top-level sections that describe the scenario's numbers rather than hold model values
NOT_VALUES = ("sources", "priors", "targets")


def numeric_leaves(data: Any, prefix: str = "") -> list[str]:
    """Dotted paths of every number in plain scenario data; list items with an id use it."""
    if isinstance(data, bool):
        return []
    if isinstance(data, (int, float)):
        return [prefix]
    out: list[str] = []
    if isinstance(data, dict):
        for k, v in data.items():
            if k not in NOT_VALUES or prefix:
                out += numeric_leaves(v, f"{prefix}.{k}" if prefix else str(k))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            key = v.get("id", i) if isinstance(v, dict) else i
            out += numeric_leaves(v, f"{prefix}.{key}")
    return out


def unsourced(data: dict) -> list[str]:
    """Numeric fields that no pattern in ``sources:`` covers."""
    patterns = list((data.get("sources") or {}).keys())
    return [p for p in numeric_leaves(data)
            if not any(fnmatchcase(p, pat) or fnmatchcase(p, pat + ".*") for pat in patterns)]


def source_problems(sources: dict[str, str], root: Path) -> list[str]:
    """Sources that are of no recognised form, or cite a seed anchor that does not exist."""
    out = []
    for path, text in sources.items():
        refs = SEED_REF.findall(text)
        for ref in refs:
            file, anchor = ref.split("#")
            target = root / file
            if not target.is_file() or f'id="{anchor}"' not in target.read_text():
                out.append(f"{path}: {ref} does not exist")
        if not (refs or CITATION.search(text) or text.startswith(KEYWORDS)):
            out.append(f"{path}: '{text}' is not a seed reference, a citation, "
                       "'calibrated' or 'assumption'")
    return out
