"""The before/after table docs/codebook.md quotes, made by command: ``python -m tests.docs_cases``
rewrites the block between the markers in docs/codebook.md ("What switching them on did");
tests/test_codebook.py fails when the block is not what the model gives now.

Each case's baseline is run twice at one seed: as shipped (hidden types, brokers' interests and
the battlefield on, docs/codebook.md#game) and with those three sections taken out of the same
scenario ("before": the cases as they were built before the codebook produced them). A record
target is a day of ``held_at_day`` the record speaks for; it is met when the model's share of
worlds still holding that day is on the record's side of one half. Brier: the mean squared
difference between that share and the record (1 held, 0 broken).
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

import sim
from sim.codebook_rules import SHARED_PRIORS
from sim.scenario import validate
from sim.yamlio import parse_yaml, read_text

ROOT = Path(__file__).resolve().parents[1]
PAGE = ROOT / "docs" / "codebook.md"
CASES = ROOT / "scenarios" / "cases"
BEGIN = "<!-- cases: made by `python -m tests.docs_cases`; do not edit by hand -->"
END = "<!-- end of cases -->"
WORLDS, SEED = 400, 7
GAME = ("beliefs", "battlefield")  # top-level sections of the game; per actor: intent, interests
GAME_PRIORS = [k for k in SHARED_PRIORS if k.startswith(GAME) or ".intent." in k]


def game_off(data: dict) -> dict:
    """The scenario data without hidden types, brokers' interests and the battlefield."""
    out = {k: v for k, v in data.items() if k not in GAME}
    out["actors"] = [{k: v for k, v in a.items() if k not in ("intent", "interests")}
                     for a in data["actors"]]
    out["priors"] = {k: v for k, v in data.get("priors", {}).items() if k not in GAME_PRIORS}
    return out


def held_share(worlds, day: int) -> float:
    """Share of worlds whose truce still held on ``day`` (broken on the day of its onset)."""
    broke = np.where(worlds["is_collapsed"].to_numpy(), worlds["day_collapse"].to_numpy(float),
                     np.inf)
    return float(np.mean(broke > day))


def score(scenario, targets: dict) -> tuple[int, int, float]:
    """(targets met, targets, Brier) of the baseline at :data:`SEED`."""
    worlds = sim.run(scenario, worlds=WORLDS, seed=SEED).worlds
    answers = {int(d): h for d, h in targets["held_at_day"].items() if h is not None}
    shares = {d: held_share(worlds, d) for d in answers}
    met = sum((shares[d] >= 0.5) == held for d, held in answers.items())
    brier = np.mean([(shares[d] - float(held)) ** 2 for d, held in answers.items()])
    return met, len(answers), float(brier)


def rows() -> list[str]:
    """One table row per case: targets met and Brier, before and after."""
    out, total = [], np.zeros(4, dtype=int)
    for path in sorted(CASES.glob("*.yaml")):
        _, data = parse_yaml(read_text(path), str(path))
        _, targets = parse_yaml(read_text(CASES / "targets" / path.name), path.name)
        off = score(validate(game_off(dict(data)), str(path)), targets)
        on = score(sim.load(path), targets)
        out.append(f"| `{path.stem}` | {off[0]} of {off[1]} | {on[0]} of {on[1]} | "
                   f"{off[2]:.3f} | {on[2]:.3f} |")
        total += (off[0], off[1], on[0], on[1])
    return out + [f"| all | {total[0]} of {total[1]} | {total[2]} of {total[3]} | | |"]


def block() -> str:
    """The table with its header, between the markers."""
    head = ["| case | targets met before | after | Brier before | after |",
            "|---|---|---|---|---|"]
    note = f"({WORLDS} worlds, seed {SEED}; `python -m tests.docs_cases`)"
    return "\n".join([BEGIN, *head, *rows(), "", note, END])


def current() -> str:
    """The block as the page has it now."""
    return re.search(re.escape(BEGIN) + ".*?" + re.escape(END), PAGE.read_text(), re.S).group(0)


def main() -> None:
    text = PAGE.read_text()
    PAGE.write_text(text.replace(current(), block()))
    print(f"rewrote the cases table in {PAGE.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
