"""`trucesim validate --out-of-sample`: the leave-one-case-out track record (docs/validation.md).

`sim.cli.validate` parses the options and calls :func:`run`; this module checks them, runs
:mod:`sim.validation.out_of_sample` case by case, keeps each finished case, and prints.
"""

from __future__ import annotations

import math
from pathlib import Path

from rich import box
from rich.table import Table

from sim.cli.common import fail, out, say

DEFAULT_OUT = Path("out/out_of_sample")


def _cases_or_fail(requested: list[str] | None) -> list[str]:
    from sim.calibrate_joint import CASES_DIR, case_ids  # noqa: PLC0415  lazy: the runner

    known = case_ids(CASES_DIR)
    names = [n.strip() for item in requested or [] for n in item.split(",") if n.strip()]
    unknown = [n for n in names if n not in known]
    if unknown:
        fail([f"--cases: no case '{n}' in {CASES_DIR}/; expected one of: {', '.join(known)}"
              for n in unknown])
    chosen = [c for c in known if c in names] if names else known
    if len(chosen) < 2:
        fail([f"--cases: {len(chosen)} case given; expected at least 2 (each is predicted "
              "from the others)"])
    return chosen


def run(budget: int, cases: list[str] | None, workers: int, out_dir: Path | None, seed: int,
        worlds: int) -> None:
    """Check the options, run (or resume) the track record, print it, store it."""
    from sim.validation import oos_store as store  # noqa: PLC0415  lazy: the runner
    from sim.validation import out_of_sample as oos  # noqa: PLC0415

    if budget < oos.MIN_BUDGET:
        fail([f"--budget {budget}: expected at least {oos.MIN_BUDGET} (a first generation of "
              f"{oos.MIN_POPULATION} parameter sets and one move)"])
    chosen = _cases_or_fail(cases)
    folder = out_dir or DEFAULT_OUT
    plan = oos.Plan(budget=budget, worlds=worlds, seed=seed, workers=workers)
    config = {"budget": budget, "worlds": worlds, "seed": seed, "cases": chosen}
    try:
        done = store.open_run(folder, config)
    except store.RunMismatch as exc:
        fail(exc.problems)
    except OSError as exc:
        fail([f"--out {folder}: cannot write there: {exc.strerror or exc}; expected a writable "
              "folder"])
    if done:
        say([f"resuming {folder}: {len(done)} of {len(chosen)} cases already done"])

    def keep(row: dict) -> None:
        store.save_case(folder, row)
        say([f"{row['case']}: done"])

    rows = oos.track_record(chosen, plan, done=done, on_case=keep)
    total = oos.overall(rows, seed)
    store.save_tables(folder, rows, total)
    out.print(per_case_table(rows))
    out.print(overall_table(total))
    out.print(f"results written to {folder}/results.parquet and results.json", highlight=False)


def _f(x, digits: int = 2) -> str:
    return "-" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:.{digits}f}"


def _with_interval(row: dict, key: str, digits: int = 2) -> str:
    return f"{_f(row.get(key), digits)} [{_f(row.get(key + '_lo'), digits)}, " \
           f"{_f(row.get(key + '_hi'), digits)}]"


def per_case_table(rows: list[dict]) -> Table:
    """One line per held-out case: what happened, the model's forecast, the three scores."""
    t = Table(title="Out of sample, per held-out case (model: 95% interval over posterior "
                    "particles; lower scores are better)", title_justify="left",
              box=box.SIMPLE_HEAD)
    for head in ("case", "class", "observed", "P(held d30) model", "Brier model/design/base",
                 "log model/design/base", "CRPS (days) model/design/base"):
        t.add_column(head, overflow="fold")
    for r in rows:
        seen = f"{'broke' if r['broke_down'] else 'held to'} day {r['observed_day']}"
        t.add_row(r["case"], r["design_class"], seen, _with_interval(r, "model_survival_d30"),
                  *(" / ".join(_f(r[f"{f}_{rule}"], 1 if rule == "crps" else 2)
                               for f in ("model", "design", "base"))
                    for rule in ("brier", "log", "crps")))
    return t


def overall_table(total: dict) -> Table:
    """Mean scores over cases and the model's skill over each null, with 95% intervals."""
    t = Table(title=f"Overall, {total['n_cases']} held-out cases (skill = null's score - "
                    "model's: > 0 the model does better; 95% interval from resampling cases)",
              title_justify="left", box=box.SIMPLE_HEAD)
    for head in ("rule", "model", "design null", "base rate", "skill vs design",
                 "skill vs base"):
        t.add_column(head)
    for rule in ("brier", "log", "crps"):
        t.add_row(rule, *(_f(total[f"{f}_{rule}"]) for f in ("model", "design", "base")),
                  _with_interval(total, f"skill_vs_design_{rule}"),
                  _with_interval(total, f"skill_vs_base_{rule}"))
    return t
