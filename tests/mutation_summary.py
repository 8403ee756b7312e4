"""Summarise a `make mutate` run: score by module and the surviving mutants (docs/testing.md).

Reads mutmut's result files (mutants/sim/**.py.meta). The score is killed / (killed +
survived): killed when a test failed (a timeout counts as killed: the change made the tests
hang), survived when every test that runs the mutated function passed. A mutant whose function
no selected test runs ("no tests") is counted apart, with those the time budget did not reach.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

KILLED = {"killed", "timeout", "caught by type check", "segfault"}
SURVIVED = {"survived", "suspicious"}


def statuses(root: Path = Path("mutants")) -> dict[str, str]:
    """Mutant name -> mutmut's status word, for every mutant generated so far."""
    from mutmut.stats import status_by_exit_code

    out = {}
    for meta in sorted(root.glob("sim/**/*.py.meta")):
        codes = json.loads(meta.read_text())["exit_code_by_key"]
        out |= {name: status_by_exit_code[code] for name, code in codes.items()}
    return out


def module_of(mutant: str) -> str:
    """'sim.rules.talks.x_walkouts__mutmut_3' -> 'sim.rules'; sim.report stays itself."""
    parts = mutant.split(".")
    return ".".join(parts[:2])


def summary(found: dict[str, str]) -> list[str]:
    """Lines: the score overall and by module, then every surviving mutant."""
    by_module: dict[str, Counter] = {}
    for name, status in found.items():
        by_module.setdefault(module_of(name), Counter())[status] += 1
    lines = ["module            killed  survived  no tests  unchecked  score"]
    total = Counter()
    for module, counts in sorted(by_module.items()):
        total.update(counts)
        lines.append(_row(module, counts))
    lines += [_row("all", total), "", "survivors:"]
    lines += [f"  {n}: {s}" for n, s in sorted(found.items()) if s in SURVIVED]
    untested = Counter(n.split("__mutmut_")[0] for n, s in found.items() if s == "no tests")
    lines += ["", "functions no selected test runs (mutants):"]
    lines += [f"  {f}: {k}" for f, k in sorted(untested.items())]
    return lines


def _row(module: str, counts: Counter) -> str:
    killed = sum(counts[s] for s in KILLED)
    survived = sum(counts[s] for s in SURVIVED)
    untested = counts["no tests"]
    unchecked = sum(counts.values()) - killed - survived - untested
    score = f"{killed / (killed + survived):.1%}" if killed + survived else "-"
    return (f"{module:<17} {killed:>6}  {survived:>8}  {untested:>8}  {unchecked:>9}  "
            f"{score:>5}")


def main() -> int:
    found = statuses()
    if not found:
        print("no mutation results: run `make mutate` first", file=sys.stderr)
        return 2
    print("\n".join(summary(found)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
