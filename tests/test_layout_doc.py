"""docs/layout.md lists what `sim/` really contains: every module and sub-package, and nothing
that is gone (the README's old layout had missed six modules)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SIM = ROOT / "sim"
LAYOUT = ROOT / "docs" / "layout.md"


def entries(text: str) -> dict[str, str]:
    """First word of each line of the layout's code blocks -> the rest of its entry
    (continuation lines, which start with spaces, are joined to the entry above)."""
    out: dict[str, str] = {}
    last = None
    for block in re.findall(r"^```\n(.*?)^```", text, re.MULTILINE | re.DOTALL):
        for line in block.splitlines():
            if line.startswith(" ") and last:
                out[last] += " " + line.strip()
            elif line.strip():
                last, _, rest = line.partition(" ")
                out[last] = rest.strip()
    return out


def test_every_module_and_subpackage_of_sim_is_listed_and_nothing_else():
    listed = entries(LAYOUT.read_text())
    modules = {p.name for p in SIM.glob("*.py")}
    packages = {f"{p.name}/" for p in SIM.iterdir() if (p / "__init__.py").exists()}
    named = {k for k in listed if k.endswith((".py", "/")) and "/" not in k[:-1]}
    folders = {"scenarios/", "seeds/", "experiments/", "docs/", "tests/", "benchmarks/",
               "examples/", "setup.py"}
    assert modules | packages == named - folders


def test_each_subpackage_entry_names_all_its_modules():
    listed = entries(LAYOUT.read_text())
    for package in (p for p in SIM.iterdir() if (p / "__init__.py").exists()):
        words = set(re.findall(r"\w+", listed[f"{package.name}/"]))
        modules = {p.stem for p in package.glob("*.py") if p.stem != "__init__"}
        assert modules <= words, (package.name, sorted(modules - words))


def test_entries_are_read_with_their_continuation_lines():
    text = "```\nrules/   one mechanism: a,\n         b, c\nx.py     y\n```\n"
    assert entries(text) == {"rules/": "one mechanism: a, b, c", "x.py": "y"}
