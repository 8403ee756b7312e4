"""Every figure the policy memo prints, checked against the summary table it came from.

The memo (report.md) is read back as text. Each figure is found with the words that name it
(its label: "adjusted p", "hazard ratio", "at day 90, ... against ...") inside the list item or
paragraph that names its strategy, and compared with the summary.csv cell that label stands
for, to the precision printed: a value printed with d decimals lies within 0.5 x 10^-d of the
table's value (percentages: of 100 x the value), which is what rounding to d decimals allows.
Section order is not assumed, and every number left over after the labelled figures are taken
out must be one of the memo's fixed numbers (horizon, seed, worlds, the 95% of an interval, ...):
a new figure without a check here fails :func:`test_every_number_in_the_memo_is_accounted_for`.

The case: Lakeland at 300 worlds with four strategies, where Holm's adjustment changes the
printed p-value of some strategies (0.024 -> 0.069 at seed 3); the test asserts that it does,
so a memo printing raw log-rank p-values cannot pass.
"""

from __future__ import annotations

import math
import re
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import sim
from sim.report import analyse, memo_blocks, pval, to_markdown, write_report
from sim.runner import compare

ROOT = Path(__file__).resolve().parents[1]
STRATEGIES = ["baseline", "monitors", "guaranteed_deal", "pressure", "inducements"]
NUM = r"[+-]?\d[\d,]*(?:\.\d+)?"


# ------------------------------------------------------------------------------ reading figures
def printed(text: str) -> tuple[float, float]:
    """(value, half a unit of its last printed digit) of a number as printed."""
    text = text.replace(",", "").replace("+", "")
    decimals = len(text.split(".")[1]) if "." in text else 0
    return float(text), 0.5 * 10.0 ** -decimals


def agrees(text: str, value: float, scale: float = 1.0) -> bool:
    """Whether ``text`` (a number, or "< x") is ``value`` x ``scale`` rounded as printed."""
    text = text.strip().rstrip("%")
    if text.startswith("<"):
        return value * scale < printed(text[1:].strip())[0]
    shown, half = printed(text)
    return abs(shown - value * scale) <= half * (1 + 1e-9) + 1e-12


def check(problems: list, where: str, label: str, text: str, value, scale: float = 1.0):
    """Record a problem unless the printed ``text`` agrees with the table's ``value``."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or not agrees(
            text, float(value), scale):
        problems.append(f"{where}: {label} printed {text!r}, table has {value!r}")


def items(memo: str) -> list[str]:
    """Paragraphs and list items of the memo's Markdown (tables and headings left out)."""
    out = []
    for block in memo.split("\n\n"):
        if block.startswith(("#", "|", "![")):
            continue
        out += [line[2:] for line in block.splitlines()] if block.startswith("- ") else [block]
    return out


def table_cells(memo: str) -> tuple[list[str], list[list[str]]]:
    """Header and rows of the memo's figure table."""
    lines = [ln for ln in memo.splitlines() if ln.startswith("|") and not ln.startswith("|---")]
    rows = [[c.strip().replace("\\|", "|") for c in re.split(r"(?<!\\)\|", ln)[1:-1]]
            for ln in lines]
    return rows[0], rows[1:]


# ------------------------------------------------------------------------------ the case
@pytest.fixture(scope="module")
def run_case(tmp_path_factory):
    """(report.md text, summary.csv indexed by strategy, the Comparison) of the case."""
    scn = sim.load(ROOT / "scenarios" / "lakeland_teaching.yaml")
    out = tmp_path_factory.mktemp("memo")
    cmp = analyse(compare(scn, STRATEGIES, worlds=300, seed=3), scn)
    write_report(cmp, out)
    table = pd.read_csv(out / "summary.csv").set_index("strategy", drop=False)
    return (out / "report.md").read_text(), table, cmp


def _one_cause(t: pd.DataFrame) -> None:
    t["cause_1"], t["cause_1_mode"] = "highland", "sustained_violence"
    t["cause_1_share"] = np.linspace(0.41, 0.63, len(t))


def _most_collapse(t: pd.DataFrame) -> None:
    t["share_collapsed"] = np.linspace(0.93, 0.71, len(t))


def _finite_medians(t: pd.DataFrame) -> None:
    t["median_days"] = np.linspace(101, 187, len(t))
    t["median_lo"], t["median_hi"] = t["median_days"] - 17.4, t["median_days"] + 23.6
    t.loc[t.index[-1], "median_hi"] = np.nan  # an upper limit beyond the horizon


# The memo's other branches, from the case's table changed by hand: one leading cause for all
# strategies, most worlds collapsing whatever is tried, medians within the horizon.
VARIANTS = {"as run": None, "one cause": _one_cause, "most collapse": _most_collapse,
            "finite medians": _finite_medians}


@pytest.fixture(scope="module", params=list(VARIANTS))
def report(request, run_case):
    """(memo text, table indexed by strategy, summary dict, scenario) of a variant."""
    memo, table, cmp = run_case
    change = VARIANTS[request.param]
    if change is not None:
        t = cmp.table.copy()
        change(t)
        memo = to_markdown(memo_blocks(replace(cmp, table=t)))
        table = t.set_index("strategy", drop=False)
    return memo, table, cmp.summary, cmp.scenario


def test_the_case_is_one_where_holm_changes_a_printed_p_value(run_case):
    _, table, _ = run_case
    others = table[~table["is_baseline"]]
    changed = [s for s, r in others.iterrows()
               if not agrees(pval(r["p_holm"]), r["p_logrank"])]
    assert changed, "Holm must change some printed p-value, or the memo test cannot tell"


# ------------------------------------------------------------------------------ the table
def _table_checks(header: str):
    """The check of one column of the memo's table, found by its label."""
    h = header.lower()
    for day in (90, 180):
        if f"day {day}" in h:
            return lambda p, w, c, r: c == "beyond horizon" or check(p, w, h, c, r[f"surv_{day}"],
                                                                       100)
    checks = {"half have collapsed": _median_cell, "rmst": _rmst_cell,
              "hazard ratio": _hr_cell,
              "adjusted p": lambda p, w, c, r: c == "—" and r["is_baseline"] or check(
                  p, w, h, c, r["p_holm"]),
              "per extra day": lambda p, w, c, r: c == "—" and math.isnan(
                  r["cost_per_day_gained"]) or check(p, w, h, c, r["cost_per_day_gained"]),
              "cost": lambda p, w, c, r: check(p, w, h, c, r["mean_cost"]),
              "option": lambda p, w, c, r: c == r["strategy"] or p.append(f"{w}: {c}")}
    return next((f for key, f in checks.items() if key in h), None)


def _median_cell(problems, where, cell, row):
    if cell.startswith(">"):  # beyond the horizon: the table has no median
        if not math.isnan(row["median_days"]):
            problems.append(f"{where}: median printed {cell!r}, table {row['median_days']}")
        return
    med, lo, hi = re.fullmatch(rf"({NUM}) \(({NUM}|> \d+)–({NUM}|> \d+)\)", cell).groups()
    check(problems, where, "median", med, row["median_days"])
    for text, col in ((lo, "median_lo"), (hi, "median_hi")):
        if not text.startswith(">"):
            check(problems, where, col, text, row[col])


def _rmst_cell(problems, where, cell, row):
    m = re.fullmatch(rf"({NUM})(?: \(({NUM})\))?", cell)
    check(problems, where, "RMST", m[1], row["rmst_days"])
    if row["is_baseline"] != (m[2] is None):
        problems.append(f"{where}: RMST gain shown {m[2]!r} for baseline={row['is_baseline']}")
    elif m[2] is not None:
        check(problems, where, "RMST gain", m[2], row["rmst_gain_days"])


def _hr_cell(problems, where, cell, row):
    if row["is_baseline"] or math.isnan(row["hr"]):
        if cell not in ("1 (reference)", "—"):
            problems.append(f"{where}: hazard ratio {cell!r} where the table has none")
        return
    hr, lo, hi = re.fullmatch(rf"({NUM}) \(({NUM})–({NUM})\)", cell).groups()
    for text, col in ((hr, "hr"), (lo, "hr_lo"), (hi, "hr_hi")):
        check(problems, where, col, text, row[col])


def test_every_cell_of_the_memo_table_is_its_summary_figure(report):
    memo, table, _, _ = report
    header, rows = table_cells(memo)
    checks = [_table_checks(h) for h in header]
    assert None not in checks, f"columns without a check here: {header}"
    assert [r[0] for r in rows] == list(table.index)
    problems: list[str] = []
    for cells in rows:
        for head, cell, f in zip(header, cells, checks, strict=True):
            f(problems, f"table row {cells[0]}, column {head!r}", cell, table.loc[cells[0]])
    assert not problems, "\n".join(problems)


# ------------------------------------------------------------------------------ the sentences
# Per strategy: (pattern, [(group, column, scale)]). A group whose column starts with "base:" is
# the baseline's figure; "abs:" the absolute value; "1-" one minus the column; "{day}" is
# filled from the match's own "day" group.
PER_STRATEGY = [
    (rf"adjusted p (?:= )?(?P<p>< ?{NUM}|{NUM})", [("p", "p_holm", 1)]),
    (rf"hazard ratio (?P<hr>{NUM}), (?P<lo>{NUM}) to (?P<hi>{NUM})",
     [("hr", "hr", 1), ("lo", "hr_lo", 1), ("hi", "hr_hi", 1)]),
    (rf"risk of collapse is (?P<v>{NUM})% (?:lower|higher)", [("v", "abs:1-hr", 100)]),
    ((rf"at day (?P<day>\d+), (?P<surv>{NUM})%[^;]*? against (?P<b>{NUM})% \((?P<g>{NUM}) points, "
     rf"95% CI (?P<lo>{NUM}) to (?P<hi>{NUM})\)"),
     [("surv", "surv_{day}", 100), ("b", "base:surv_{day}", 100), ("g", "gain_{day}_pp", 1),
      ("lo", "gain_{day}_pp_lo", 1), ("hi", "gain_{day}_pp_hi", 1)]),
    (rf"holds (?P<v>{NUM}) days (?:longer|shorter) on average \((?P<lo>{NUM}) to (?P<hi>{NUM})\)",
     [("v", "abs:rmst_gain_days", 1), ("lo", "rmst_gain_lo", 1), ("hi", "rmst_gain_hi", 1)]),
    (rf"holds about as long on average \((?P<v>{NUM}) days, (?P<lo>{NUM}) to (?P<hi>{NUM})\)",
     [("v", "rmst_gain_days", 1), ("lo", "rmst_gain_lo", 1), ("hi", "rmst_gain_hi", 1)]),
    (rf"(?P<v>{NUM}) points per world \((?P<o>{NUM}) one-off, (?P<r>{NUM}) running\)",
     [("v", "mean_cost", 1), ("o", "mean_cost_one_off", 1), ("r", "mean_cost_running", 1)]),
    (rf"(?P<v>{NUM}) per extra day the truce holds", [("v", "cost/day", 1)]),
]
# Anywhere: the strategy is named by the pattern's "s" group.
NAMED = [
    ((rf"\*\*(?P<s>\w+)\*\* keeps the truce longest: over the first \d+ days it holds "
      rf"(?P<v>{NUM}) days on average, (?P<g>{NUM}) days against \w+ \(95% CI (?P<lo>{NUM}) to "
      rf"(?P<hi>{NUM})\); (?P<surv>{NUM})% of worlds still hold at day (?P<day>\d+), against "
      rf"(?P<b>{NUM})%"),
     [("v", "rmst_days", 1), ("g", "rmst_gain_days", 1), ("lo", "rmst_gain_lo", 1),
      ("hi", "rmst_gain_hi", 1), ("surv", "surv_{day}", 100), ("b", "base:surv_{day}", 100)]),
    (rf"strongest option is \*\*(?P<s>\w+)\*\* \((?P<v>{NUM}) days against",
     [("v", "rmst_gain_days", 1)]),
    ((rf"\*\*(?P<s>\w+)\*\*, keeps the truce alive to day \d+ in (?P<v>{NUM})% of worlds; in the "
     rf"other (?P<o>{NUM})%"), [("v", "1-share_collapsed", 100), ("o", "share_collapsed", 100)]),
    (rf"alive to day \d+ in more than (?P<v>{NUM})% of worlds \(best: \*\*(?P<s>\w+)\*\*\)",
     [("v", "1-share_collapsed", 100)]),
    (rf"by day (?P<v>{NUM}) \(the latest median, under (?P<s>\w+)\)", [("v", "median_days", 1)]),
    (rf"(?P<s>\w+): (?P<c>\w+) \((?P<m>\w+), (?P<v>{NUM})%\)", [("v", "cause_1_share", 100)]),
    (rf"opened by \*\*\w+\*\* \([\w ]+\): (?P<lo>{NUM})% to (?P<hi>{NUM})% of collapses",
     [("lo", "min:cause_1_share", 100), ("hi", "max:cause_1_share", 100)]),
]


def _value(table: pd.DataFrame, strategy: str, column: str, groups: dict) -> float:
    column = column.format(**groups)
    if column.startswith(("min:", "max:")):
        values = table[column[4:]].dropna()
        return values.min() if column.startswith("min:") else values.max()
    if column.startswith("base:"):
        return _value(table, table.index[table["is_baseline"]][0], column[5:], groups)
    if column.startswith("abs:"):
        return abs(_value(table, strategy, column[4:], groups))
    if column.startswith("1-"):
        return 1 - _value(table, strategy, column[2:], groups)
    row = table.loc[strategy]
    if column == "cost/day":  # extra cost over the baseline per extra day held
        return row["cost_per_day_gained"]
    return row[column]


def labelled_figures(memo: str, table: pd.DataFrame):
    """Yield (where, label, printed text, table value, scale, span) of every labelled figure."""
    for k, item in enumerate(items(memo)):
        owner = re.match(r"\*\*(\w+)\*\*", item)
        patterns = list(NAMED)
        if owner and owner[1] in table.index:
            patterns += [(p, g) for p, g in PER_STRATEGY]
        for pattern, groups in patterns:
            for m in re.finditer(pattern, item):
                strategy = m.groupdict().get("s") or (owner[1] if owner else "")
                for group, column, scale in groups:
                    value = _value(table, strategy, column, m.groupdict())
                    yield (f"item {k} ({strategy})", column.format(**m.groupdict()), m[group],
                           value, scale, (k, m.span()))


def test_every_labelled_figure_in_the_memo_is_its_summary_figure(report):
    memo, table, _, _ = report
    found = list(labelled_figures(memo, table))
    problems: list[str] = []
    for where, label, text, value, scale, _ in found:
        check(problems, where, label, text, value, scale)
    assert not problems, "\n".join(problems)
    labels = {f[1] for f in found}
    # every kind of figure the table calls for was seen (a pattern that silently stopped
    # matching would otherwise check nothing)
    others = table[~table["is_baseline"]]
    expected = {"p_holm", "surv_90", "base:surv_180", "gain_90_pp_lo", "rmst_gain_hi",
                "1-share_collapsed"}
    expected |= {"hr"} if others["hr"].notna().any() else set()
    expected |= {"mean_cost"} if (others["mean_cost"] > 0).any() else set()
    if ((others["mean_cost"] > 0) & (others["rmst_gain_lo"] > 0)).any():
        expected.add("cost/day")
    if table["median_days"].notna().all():
        expected.add("median_days")
    one_cause = table["cause_1"].dropna().nunique() == 1
    expected.add("min:cause_1_share" if one_cause else "cause_1_share")
    assert expected <= labels, expected - labels
    holm = [f for f in found if f[1] == "p_holm"]
    assert len(holm) == len(table) - 1  # one adjusted p per strategy compared


def test_the_cause_labels_are_the_tables(report):
    memo, table, _, _ = report
    named = re.findall(r"(\w+): (\w+) \((\w+), \d+%\)", memo)
    for strategy, cause, mode in named:
        assert (cause, mode) == (table.loc[strategy, "cause_1"], table.loc[strategy,
                                                                        "cause_1_mode"])
    one = re.search(r"opened by \*\*(\w+)\*\* \(([\w ]+)\)", memo)
    if one:
        assert (one[1], one[2]) == (table["cause_1"].dropna().iloc[0],
                                    table["cause_1_mode"].dropna().iloc[0].replace("_", " "))
    assert bool(named) != bool(one)  # one form or the other


def test_the_byline_and_frame_figures_are_the_summarys(report):
    memo, table, summary, _ = report
    m = re.search(rf"from (?P<n>{NUM}) simulated worlds per option \(seed (?P<seed>\d+)\)", memo)
    assert m and printed(m["n"])[0] == summary["worlds"] and int(m["seed"]) == summary["seed"]
    spans = re.findall(rf"same (?P<n>{NUM}) simulated worlds over (?P<h>\d+) days", memo)
    assert spans == [(f"{summary['worlds']:,}", str(summary["horizon_days"]))]
    tested = re.search(r"because (\d+|one) options? (?:were|was) tested", memo)
    assert tested and tested[1] == str(len(STRATEGIES) - 1)
    reference = re.findall(r"The reference is \*\*(\w+)\*\*", memo)
    assert reference == [table.index[table["is_baseline"]][0]]


def test_summary_json_frame_is_the_runs(run_case):
    _, _, cmp = run_case
    first = next(iter(cmp.result.runs.values())).summary
    assert cmp.summary["scenario_hash"] == first["scenario_hash"]
    assert re.fullmatch(r"[0-9a-f]{16}", cmp.summary["scenario_hash"])
    assert (cmp.summary["horizon_days"], cmp.summary["baseline"]) == (240, "baseline")
    assert list(cmp.summary["strategies"]) == STRATEGIES


def test_every_number_in_the_memo_is_accounted_for(report):
    memo, table, summary, scn = report
    taken = {}
    for *_, (k, span) in labelled_figures(memo, table):
        taken.setdefault(k, []).append(span)
    fixed = {"95", "0.05", "90", "180", "0",  # 0: "0 means the option was not costed"
              str(summary["horizon_days"]), str(summary["seed"]),
             f"{summary['worlds']:,}", str(len(STRATEGIES) - 1)}
    from sim.strategies.library import EFFORT_POINT

    # the scenario's and strategies' own descriptions, the effort point's definition (its
    # example prices) and the hazard ratio's explanation ("0.50 means half ..., above 1 ...")
    quoted = [" ".join(scn.meta.description.split()), *summary["strategies"].values(),
              " ".join(EFFORT_POINT.split()), "0.50 means half the daily risk, above 1"]
    loose = []
    for k, item in enumerate(items(memo)):
        for a, b in sorted(taken.get(k, []), reverse=True):
            item = item[:a] + " " + item[b:]
        for text in quoted:
            item = item.replace(text, " ")
        loose += [n for n in re.findall(r"\d[\d,]*(?:\.\d+)?", item) if n not in fixed]
    assert not loose, f"figures in the memo that no test checks: {loose}"
