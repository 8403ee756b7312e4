"""The calibration figures docs/calibration.md quotes, made by command:
``python -m tests.docs_calibration out/posterior_syria`` (run by ``make posterior`` after the
calibration) rewrites the block between the markers from that calibration's output folder and
the shipped posterior. tests/test_docs_calibration.py checks the parts the shipped posterior
alone determines (provenance, the record's targets, which parameters it constrains).

The block holds every figure of the page's calibration sections; the prose refers to them.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pandas as pd

from sim.calibrate_io import read_posterior
from sim.calibrate_report import CONSTRAINED, PARTLY, constraints_of
from sim.priors import resolve
from sim.scenario import load

ROOT = Path(__file__).resolve().parents[1]
PAGE = ROOT / "docs" / "calibration.md"
POSTERIOR = ROOT / "scenarios" / "posteriors" / "syria_2016.parquet"
BEGIN = ("<!-- calibration figures: made by `python -m tests.docs_calibration "
         "out/posterior_syria` (make posterior); do not edit by hand -->")
END = "<!-- end of calibration figures -->"
SHOWN = 12  # parameters listed by name: the most constrained of the baseline's


def _band(lo, hi) -> str:
    lo = "" if lo is None else f"{lo:g}"
    hi = "" if hi is None else f"{hi:g}"
    return f"{lo}–{hi}" if lo and hi else (f"≥ {lo}" if lo else f"≤ {hi}")


def targets_table(scn) -> list[str]:
    """The record's facts as the scenario states them."""
    out = ["| target | statistic | band | share of worlds | the record |", "|---|---|---|---|---|"]
    for t in scn.targets:
        share = "" if t.share is None else _band(*t.share)
        out.append(f"| {t.id} | {t.statistic.value} | {_band(*t.band)} | {share} | "
                   f"{' '.join(t.statement.split())} |")
    return out


def provenance(meta: dict, post: pd.DataFrame) -> str:
    """What made the shipped posterior, from its own metadata."""
    s = meta["settings"]
    return (f"Shipped posterior: {len(post)} particles of {meta['scenario']} (scenario hash "
            f"`{meta['scenario_hash']}`, targets hash `{meta['targets_hash']}`), "
            f"{meta['simulated']} parameter sets simulated of {s['worlds']} worlds each, "
            f"{meta['generations']} generations; stopped: {meta['stopped']}. Command: "
            f"`{meta['command']}`.")


def constraint_lines(cons: pd.DataFrame) -> list[str]:
    """How many parameters the record constrains, and the most constrained of the baseline's."""
    counts = cons["verdict"].value_counts()
    tally = (f"Of {len(cons)} parameters with a prior: {int(counts.get('constrained', 0))} "
             f"constrained (90% width ratio below {CONSTRAINED}), "
             f"{int(counts.get('partly', 0))} partly (below {PARTLY}), "
             f"{int(counts.get('at prior', 0))} left at the prior, "
             f"{int(counts.get('not run', 0))} not run (fields of strategies other than the "
             "baseline: the record cannot speak to them).")
    run = cons[cons["verdict"] != "not run"].head(SHOWN)
    out = [tally, "", "| parameter | prior 90% | posterior 90% | width ratio | verdict |",
           "|---|---|---|---|---|"]
    out += [f"| `{r.parameter}` | {r.prior_5:.3g}–{r.prior_95:.3g} | "
            f"{r.posterior_5:.3g}–{r.posterior_95:.3g} | {r.width_ratio:.2f} | {r.verdict} |"
            for r in run.itertuples()]
    return out


def shipped_part(scn=None) -> list[str]:
    """The block's lines that the scenario and the shipped posterior alone determine."""
    scn = scn or load("syria_2016")
    post, meta = read_posterior(POSTERIOR)
    cons = constraints_of(resolve(scn), post)
    return [provenance(meta, post), "", "The record's facts (the scenario's `targets:`):", "",
            *targets_table(scn), "", *constraint_lines(cons)]


def _csv_table(df: pd.DataFrame) -> list[str]:
    def cell(v):
        return f"{v:.3g}" if isinstance(v, float) else str(v)
    out = ["| " + " | ".join(df.columns) + " |", "|" + "---|" * len(df.columns)]
    return out + ["| " + " | ".join(cell(v) for v in row) + " |"
                  for row in df.itertuples(index=False)]


def run_part(folder: Path) -> list[str]:
    """The generations and the posterior predictive check, from the calibration's folder."""
    return ["Generations (`diagnostics.csv`):", "",
            *_csv_table(pd.read_csv(folder / "diagnostics.csv")), "",
            "Posterior predictive check (`predictive.csv`: the posterior's sets run again on "
            "fresh worlds; the share meeting each target):", "",
            *_csv_table(pd.read_csv(folder / "predictive.csv"))]


def block(folder: Path) -> str:
    """The whole block, markers included."""
    return "\n".join([BEGIN, "", *shipped_part(), "", *run_part(folder), "", END])


def current(text: str | None = None) -> str:
    """The block as the page has it now."""
    text = PAGE.read_text() if text is None else text
    found = re.search(re.escape(BEGIN) + ".*?" + re.escape(END), text, re.DOTALL)
    return found.group(0) if found else ""


def main(argv: list[str]) -> None:
    folder = Path(argv[0] if argv else "out/posterior_syria")
    text = PAGE.read_text()
    old = current(text)
    if not old:
        raise SystemExit(f"{PAGE}: no calibration figures block (expected a line {BEGIN!r})")
    PAGE.write_text(text.replace(old, block(folder)))
    print(f"wrote the calibration figures block of {PAGE.relative_to(ROOT)} from {folder}")


if __name__ == "__main__":
    main(sys.argv[1:])
