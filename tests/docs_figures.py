"""The figures docs/calibration.md quotes, made by command: ``python -m tests.docs_figures``
rewrites the block between the markers in docs/calibration.md; the calibration test
(tests/test_scenarios_shipped.py) fails when the block is not what the model gives now.

The block is the only place in that page with measured figures; the prose around it refers to
them, so a change to the model changes one block, rewritten by this command.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

import sim
from sim.calibration import TARGETS, measure
from sim.runner import RunResult

ROOT = Path(__file__).resolve().parents[1]
PAGE = ROOT / "docs" / "calibration.md"
BEGIN = "<!-- figures: made by `python -m tests.docs_figures`; do not edit by hand -->"
END = "<!-- end of figures -->"
WORLDS, SEEDS = 4000, (2016, 1)
SYRIA = ROOT / "scenarios" / "syria_2016.yaml"
MONITORED = ROOT / "scenarios" / "syria_2016_monitored.yaml"


def baseline(seed: int) -> RunResult:
    """The Syria baseline as the page quotes it."""
    return sim.run(sim.load(SYRIA), worlds=WORLDS, seed=seed)


def _figure(name: str, value: float) -> str:
    if name.startswith("median"):
        return f"{value:.0f}"
    return f"{value:.2f}" if name.startswith("violations") else f"{value:.3f}"


def table(runs: dict[int, RunResult]) -> list[str]:
    """The targets, their bands and the figure measured at each seed."""
    figures = {seed: measure(r) for seed, r in runs.items()}
    seeds = " | ".join(f"seed {s}" for s in runs)
    out = [f"| figure | band | {seeds} | what the record says |",
           "|---|---|" + "---|" * len(runs) + "---|"]
    for t in TARGETS:
        values = " | ".join(_figure(t.name, figures[s][t.name]) for s in runs)
        out.append(f"| {t.name} | {t.low:g}–{t.high:g} | {values} | {t.record} |")
    return out


def survival_and_causes(run: RunResult, seed: int) -> str:
    """Survival by day and who opened the escalations that ended the truce."""
    s, w = run.summary, run.worlds
    days = ", ".join(f"day {d} {s['survival'][d]['share']:.1%}" for d in ("30", "60", "90",
                                                                             "180", "365"))
    walked = (w["day_first_walkout"] >= 0).mean()
    causes = w.loc[w["day_collapse"] >= 0, "collapse_cause"].value_counts(normalize=True)
    names = {a.id: a.name for a in sim.load(SYRIA).actors}
    opened = ", ".join(f"{names.get(actor, actor)} ({share:.0%})"
                       for actor, share in causes.items())
    return (f"Baseline survival at seed {seed} ({WORLDS:,} worlds): {days}; {walked:.1%} of "
            f"worlds saw a walkout. The escalations that ended the truce were opened by "
            f"{opened}.")


def hazard_by_month(run: RunResult, months: int = 7) -> str:
    """Daily hazard of collapse by 30-day period: collapses over world-days at risk."""
    day = run.worlds["day_collapse"].to_numpy()
    day = np.where(day < 0, np.inf, day)
    rates = []
    for m in range(months):
        lo, hi = 30 * m, 30 * (m + 1)
        at_risk = np.clip(np.minimum(day, hi) - lo, 0, 30).sum()
        ended = ((day >= lo) & (day < hi)).sum()
        rates.append(f"{ended / at_risk:.4f}" if at_risk else "n/a")
    return ("Daily hazard of collapse in the baseline, by 30-day period from day 0: "
            + ", ".join(rates) + ".")


def monitored(base: RunResult, seed: int) -> str:
    mon = sim.run(sim.load(MONITORED), worlds=WORLDS, seed=seed)
    s = mon.summary
    return (f"`syria_2016_monitored.yaml` at seed {seed}, {WORLDS:,} worlds: survival at day "
            f"180 {s['survival']['180']['share']:.1%} against "
            f"{base.summary['survival']['180']['share']:.1%} for the baseline; "
            f"{s['collapsed']['share']:.1%} of worlds collapse within the year.")


def block(runs: dict[int, RunResult] | None = None) -> str:
    """The whole block, markers included."""
    runs = runs or {seed: baseline(seed) for seed in SEEDS}
    first = SEEDS[0]
    lines = [BEGIN, "", *table(runs), "", survival_and_causes(runs[first], first), "",
             hazard_by_month(runs[first]), "", monitored(runs[first], first), "", END]
    return "\n".join(lines)


def current(text: str | None = None) -> str:
    """The block as the page has it now."""
    text = PAGE.read_text() if text is None else text
    found = re.search(re.escape(BEGIN) + ".*?" + re.escape(END), text, re.DOTALL)
    return found.group(0) if found else ""


def main() -> None:
    text = PAGE.read_text()
    old = current(text)
    if not old:
        raise SystemExit(f"{PAGE}: no figures block (expected a line {BEGIN!r})")
    PAGE.write_text(text.replace(old, block()))
    print(f"wrote the figures block of {PAGE.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
