"""Regenerate the golden summaries: `make golden`, then review `git diff tests/golden/`."""

from __future__ import annotations

import json
from pathlib import Path

import sim
from sim.strategies import STANDARD

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = Path(__file__).resolve().parent
WORLDS, SEED = 1000, 7
# the standard library's strategies (sim.strategies.STANDARD) run on any scenario; they are
# pinned on the teaching scenario, which has every kind of actor they name
STANDARD_ON = "lakeland_teaching.yaml"
CASE_WORLDS = 100  # the real cases (scenarios/cases/): few worlds, to keep the suite quick
# narrated worlds (sim.story): scenario file, strategy, seed, world
STORIES = [("syria_2016.yaml", "baseline", 1, 0), ("syria_2016.yaml", "monitoring", 1, 0),
           ("lakeland_teaching.yaml", "baseline", 3, 5)]


def pinned(summary: dict) -> dict:
    """A run's summary as the golden files pin it: the results, not the scenario's hash (any
    new schema field changes the hash; tests/test_model.py checks it once)."""
    return {k: v for k, v in json.loads(json.dumps(summary)).items() if k != "scenario_hash"}


def golden_summary(path: Path, strategy: str = "baseline") -> dict:
    """The summary figures pinned for one scenario at a fixed seed."""
    return pinned(sim.run(sim.load(path), strategy=strategy, worlds=WORLDS, seed=SEED).summary)


def golden_cases() -> list[tuple[Path, str]]:
    """(scenario file, strategy) of every shipped strategy: each scenario's own strategies,
    and the standard library's on :data:`STANDARD_ON`."""
    cases = []
    for scenario in sorted((ROOT / "scenarios").glob("*.yaml")):
        names = list(sim.load(scenario).strategies) or ["baseline"]
        if scenario.name == STANDARD_ON:
            names += [s for s in STANDARD if s not in names]
        cases += [(scenario, s) for s in names]
    return cases


def golden_path(scenario: Path, strategy: str = "baseline") -> Path:
    """``<scenario>.json`` for the baseline, ``<scenario>.<strategy>.json`` for the others."""
    suffix = "" if strategy == "baseline" else f".{strategy}"
    return GOLDEN / f"{scenario.stem}{suffix}.json"


def case_golden_summary(path: Path) -> dict:
    """The summary figures pinned for one real case (baseline, CASE_WORLDS worlds)."""
    return pinned(sim.run(sim.load(path), worlds=CASE_WORLDS, seed=SEED).summary)


def case_golden_path(scenario: Path) -> Path:
    return GOLDEN / "cases" / f"{scenario.stem}.json"


def story_path(scenario: str, strategy: str, seed: int, world: int) -> Path:
    return GOLDEN / f"story_{Path(scenario).stem}_{strategy}_s{seed}_w{world}.txt"


def main() -> None:
    cases = golden_cases()
    for scenario, strategy in cases:
        path = golden_path(scenario, strategy)
        path.write_text(json.dumps(golden_summary(scenario, strategy), indent=2) + "\n")
        print(f"wrote {path.relative_to(ROOT)}")
    for stale in set(GOLDEN.glob("*.json")) - {golden_path(*c) for c in cases}:
        stale.unlink()
        print(f"removed {stale.relative_to(ROOT)} (no such scenario or strategy)")
    for scenario in sorted((ROOT / "scenarios" / "cases").glob("*.yaml")):
        case_golden_path(scenario).parent.mkdir(exist_ok=True)
        case_golden_path(scenario).write_text(
            json.dumps(case_golden_summary(scenario), indent=2) + "\n")
        print(f"wrote {case_golden_path(scenario).relative_to(ROOT)}")
    from sim.story import tell

    for scenario, strategy, seed, world in STORIES:
        path = story_path(scenario, strategy, seed, world)
        path.write_text(tell(sim.load(ROOT / "scenarios" / scenario), strategy, seed, world).text)
        print(f"wrote {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
