"""The memo leads with the ensemble (sim.ensemble_memo; `compare --ensemble --out`)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.calibrate_io import write_posterior
from sim.ensemble_compare import EnsembleComparison, _across, where_first
from sim.ensemble_memo import HEADING, first_place, flips, lead_blocks, plain_box
from sim.memo import FIXED
from sim.report import to_markdown
from sim.scenario import scenario_hash, validate
from tests.factories import dump_yaml, write_scenario
from tests.test_cli import trucesim
from tests.test_ensemble_compare import make_posterior, make_scenario_data_with_strategies


def make_comparison(rmst: dict[str, list[float]], a: list[float]) -> EnsembleComparison:
    """A comparison made by hand: each strategy's RMST per set (one world a set, so the
    per-set means are the values given) and one parameter ``a`` per set."""
    names = list(rmst)
    by = {s: pd.DataFrame({"set": range(len(v)), "rmst": v}) for s, v in rmst.items()}
    rows = [{"set": k, "strategy": s, "rmst": v, "rmst_gain": v - rmst[names[0]][k],
             **{f"{c}{g}": 0.0 for c in ("survival_90", "survival_180") for g in ("", "_gain")}}
            for s, vals in rmst.items() for k, v in enumerate(vals)]
    per_set = pd.DataFrame(rows)
    drawn = pd.DataFrame({"a": a})
    table = _across(by, per_set, names, 1)
    table["where_first"] = where_first(per_set, drawn, names)
    return EnsembleComparison(per_set, table, drawn, worlds=1, horizon=100)


def test_two_options_the_evidence_cannot_separate_are_said_so():
    # 40 sets: both options beat the baseline in every set (40 of 40: Wilson lower bound
    # 0.912 >= 0.9, clear); "x" beats "y" exactly where a >= 20, 20 sets of 40 (a coin flip)
    a = list(range(40))
    x = [60.0 if k >= 20 else 50.0 for k in a]
    cmp = make_comparison({"base": [40.0] * 40, "x": x, "y": [55.0] * 40}, a)
    text = to_markdown(lead_blocks(cmp, "toy", "post.parquet"))
    assert "**x** clearly beats base across the ensemble: P(beats baseline) 100%" in text
    assert "**y** clearly beats base" in text
    assert "**The evidence cannot separate x from y**" in text  # ranks first in half each
    assert "**x** ranks first in 20 of the 40 sets (50%), mostly where `a` is at least" in text


def test_a_leader_that_wins_everywhere_is_called_clear_and_nothing_flips():
    cmp = make_comparison({"base": [40.0] * 40, "x": [60.0] * 40, "y": [50.0] * 40},
                          list(range(40)))
    (kind, text), = first_place(cmp)
    assert "That is clear: across the ensemble, x is the better of the two." in text
    assert "nothing among the sets drawn; **x** ranks first in every one" in flips(cmp)[0][1]


def test_too_few_sets_cannot_be_clear():
    # 10 of 10 sets favour x: Wilson lower bound 0.72 < 0.9
    cmp = make_comparison({"base": [40.0] * 10, "x": [60.0] * 10}, list(range(10)))
    text = to_markdown(lead_blocks(cmp, "toy", "post.parquet"))
    assert "The evidence cannot separate **x** from base" in text
    assert "Too few sets to call it clear: 10 were drawn" in text


def test_prim_boxes_in_plain_words():
    assert plain_box("a >= 8") == "`a` is at least 8"
    assert plain_box("0.1 <= b <= 0.2 and c <= 3") == ("`b` is between 0.1 and 0.2 and `c` is "
                                                      "at most 3")


def write_case(tmp_path):
    data = make_scenario_data_with_strategies()
    path = write_scenario(tmp_path, dump_yaml(data), "s.yaml")
    post = tmp_path / "posterior.parquet"
    write_posterior(post, make_posterior(), {"scenario": "x", "scenario_hash":
                                             scenario_hash(validate(data, "<t>"))})
    return path, post


def test_the_memo_opens_with_the_ensemble_then_the_fixed_figures(tmp_path):
    path, post = write_case(tmp_path)
    out = tmp_path / "out"
    done = trucesim("compare", path, "--ensemble", post, "--sets", "10", "--worlds", "20",
                    "--fixed-worlds", "60", "--out", out)
    assert done.returncode == 0, done.stderr
    memo = (out / "report.md").read_text()
    sections = memo.split("\n## ")
    first = sections[1]
    assert first.startswith(HEADING)
    for figure in ("P(beats baseline)", "P(ranks first)", "is called **clear** only when",
                   "The evidence cannot separate **again** from baseline"):
        assert figure in first
    fixed = sections[2:]
    assert fixed[0].startswith("With the parameters fixed at the scenario's values")
    assert all(s.split("\n")[0].endswith(FIXED) for s in fixed[1:])
    assert "## The answer in brief" + FIXED in memo
    assert "60 worlds per option" in fixed[0]
    page = (out / "report.html").read_text()
    assert page.index("P(beats baseline)") < page.index("The answer in brief")
    summary = pd.read_csv(out / "ensemble_summary.csv")
    assert list(summary["strategy"]) == ["baseline", "again", "monitoring"]
    assert np.isclose(summary.loc[1, "p_beats"], 0.5)  # "again" is the baseline, set for set


def test_without_fixed_worlds_the_memo_is_the_ensemble_alone(tmp_path):
    path, post = write_case(tmp_path)
    out = tmp_path / "out"
    done = trucesim("compare", path, "--ensemble", post, "--strategies", "again", "--sets", "4",
                    "--worlds", "10", "--fixed-worlds", "0", "--out", out)
    assert done.returncode == 0, done.stderr
    memo = (out / "report.md").read_text()
    assert memo.split("\n## ")[1].startswith(HEADING) and FIXED not in memo
    # baseline and "again" tie in every set: neither can be told from the other
    assert "The evidence cannot separate baseline from again" in memo
    assert not (out / "summary.csv").exists()


def test_prim_leaves_out_fields_of_strategies_not_compared():
    drawn = pd.DataFrame({"strategies.other.rate": np.arange(20.0), "a": np.arange(20.0)})
    rmst = {"base": np.full(20, 5.0), "x": np.where(np.arange(20) >= 10, 9.0, 1.0)}
    per_set = pd.DataFrame([{"set": k, "strategy": s, "rmst": rmst[s][k]}
                            for s in rmst for k in range(20)])
    boxes = where_first(per_set, drawn, ["base", "x"])
    assert "other" not in boxes[1] and boxes[1].startswith("a >= ")


def test_the_interval_of_p_beats_is_centred_on_it_when_ties_count_half():
    from sim.results import wilson

    # 4 sets: x beats the baseline in 2, ties in 1, loses in 1: P(beats) = 2.5 / 4
    cmp = make_comparison({"base": [40.0] * 4, "x": [50.0, 50.0, 40.0, 30.0]}, [0, 1, 2, 3])
    row = cmp.table.set_index("strategy").loc["x"]
    assert row["p_beats"] == 0.625
    assert (row["p_beats_lo"], row["p_beats_hi"]) == wilson(2.5, 4)
    assert row["p_beats_lo"] < 0.625 < row["p_beats_hi"]
