"""Regenerate the golden summaries: `make golden`, then review `git diff tests/golden/`."""

from __future__ import annotations

import json
from pathlib import Path

import sim

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = Path(__file__).resolve().parent
WORLDS, SEED = 1000, 7
CASE_WORLDS = 100  # the real cases (scenarios/cases/): few worlds, to keep the suite quick
# narrated worlds (sim.story): scenario file, strategy, seed, world
STORIES = [("syria_2016.yaml", "baseline", 1, 0), ("syria_2016.yaml", "monitoring", 1, 0),
           ("lakeland_teaching.yaml", "baseline", 3, 5)]


def golden_summary(path: Path, strategy: str = "baseline") -> dict:
    """The summary figures pinned for one scenario at a fixed seed."""
    result = sim.run(sim.load(path), strategy=strategy, worlds=WORLDS, seed=SEED)
    return json.loads(json.dumps(result.summary))


def golden_path(scenario: Path) -> Path:
    return GOLDEN / f"{scenario.stem}.json"


def case_golden_summary(path: Path) -> dict:
    """The summary figures pinned for one real case (baseline, CASE_WORLDS worlds)."""
    result = sim.run(sim.load(path), worlds=CASE_WORLDS, seed=SEED)
    return json.loads(json.dumps(result.summary))


def case_golden_path(scenario: Path) -> Path:
    return GOLDEN / "cases" / f"{scenario.stem}.json"


def story_path(scenario: str, strategy: str, seed: int, world: int) -> Path:
    return GOLDEN / f"story_{Path(scenario).stem}_{strategy}_s{seed}_w{world}.txt"


def main() -> None:
    for scenario in sorted((ROOT / "scenarios").glob("*.yaml")):
        golden_path(scenario).write_text(json.dumps(golden_summary(scenario), indent=2) + "\n")
        print(f"wrote {golden_path(scenario).relative_to(ROOT)}")
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
