"""Regenerate the golden summaries: `make golden`, then review `git diff tests/golden/`."""

from __future__ import annotations

import json
from pathlib import Path

import sim

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = Path(__file__).resolve().parent
WORLDS, SEED = 1000, 7


def golden_summary(path: Path, strategy: str = "baseline") -> dict:
    """The summary figures pinned for one scenario at a fixed seed."""
    result = sim.run(sim.load(path), strategy=strategy, worlds=WORLDS, seed=SEED)
    return json.loads(json.dumps(result.summary))


def golden_path(scenario: Path) -> Path:
    return GOLDEN / f"{scenario.stem}.json"


def main() -> None:
    for scenario in sorted((ROOT / "scenarios").glob("*.yaml")):
        golden_path(scenario).write_text(json.dumps(golden_summary(scenario), indent=2) + "\n")
        print(f"wrote {golden_path(scenario).relative_to(ROOT)}")


if __name__ == "__main__":
    main()
