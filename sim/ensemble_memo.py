"""The memo's first section when strategies are compared across a posterior (issue 17, item 5):
how likely each option is to beat doing nothing across the parameter sets the record allows,
how likely it is to rank first, whether the evidence separates the leading options, and what
would have to be true for the ranking to flip.

Blocks as :mod:`sim.memo` makes them (rendered by :mod:`sim.report`). Every figure is read from
an :class:`sim.ensemble_compare.EnsembleComparison` (``ensemble_summary.csv``,
``ensemble_per_set.csv``). The rule for "clear" is :func:`sim.ensemble_compare.verdict`'s.
"""

from __future__ import annotations

import math

from sim.ensemble_compare import CLEAR, EnsembleComparison, head_to_head, ranked

HEADING = "Across everything the record allows"
FIXED_NOTE = "parameters fixed"


def rule_text(n_sets: int) -> str:
    """The rule for calling a difference clear, with what it needs of ``n_sets``."""
    return (f"A difference is called **clear** only when it holds across the ensemble: the 95% "
            f"interval of P(beats baseline) over the {n_sets} parameter sets drawn (Wilson; it "
            f"is the Monte Carlo error of drawing {n_sets} sets) lies wholly above "
            f"{CLEAR:.0%}, or wholly below {1 - CLEAR:.0%} for a clear loss. Otherwise the "
            "evidence cannot separate the two options. With fewer than 35 sets nothing can be "
            "clear (35 of 35 gives a lower bound of 90%).")


def lead_blocks(cmp: EnsembleComparison, scenario: str, posterior: str) -> list[tuple]:
    """The memo's first section: the ensemble's figures in words, the rule, who ranks first,
    where the ranking flips, and the table."""
    t = cmp.table
    base = t.iloc[0]["strategy"]
    what = (f"{len(cmp.sets)} parameter sets drawn by weight from the calibrated posterior "
            f"`{posterior}` of {scenario}, {cmp.worlds} simulated worlds each, the same worlds "
            f"and the same sets under every option; {cmp.horizon} days. **P(beats baseline)** "
            f"is the share of sets in which an option holds the truce longer than {base} (mean "
            "days held, RMST; a tie counts half); **P(ranks first)** the share in which it "
            "holds it longest of all.")
    blocks = [("h2", HEADING), ("p", what),
              ("ul", [sentence(r, base, len(cmp.sets)) for r in t.iloc[1:].itertuples()]),
              ("p", rule_text(len(cmp.sets)))]
    return blocks + first_place(cmp) + flips(cmp) + [table_block(cmp)]


def sentence(r, baseline: str, n_sets: int) -> str:
    """One option against the baseline across the ensemble, in words."""
    if r.verdict == "clear gain":
        head = f"**{r.strategy}** clearly beats {baseline} across the ensemble"
    elif r.verdict == "clear loss":
        head = f"**{r.strategy}** clearly does worse than {baseline} across the ensemble"
    else:
        head = f"The evidence cannot separate **{r.strategy}** from {baseline}"
    few = r.verdict == "cannot separate" and not CLEAR > r.p_beats > 1.0 - CLEAR
    more = (f" Too few sets to call it clear: {n_sets} were drawn (draw more with --sets)."
            if few else "")
    return (f"{head}: P(beats baseline) {pct(r.p_beats)} (95% interval {pct(r.p_beats_lo)} to "
            f"{pct(r.p_beats_hi)}), P(ranks first) {pct(r.p_first)}; mean gain "
            f"{r.rmst_gain:+.1f} days held ({r.rmst_gain_5:+.1f} to {r.rmst_gain_95:+.1f} over "
            f"90% of the sets).{more}")


def first_place(cmp: EnsembleComparison) -> list[tuple]:
    """Whether the evidence separates the option ranked first most often from the next."""
    order = ranked(cmp)
    if len(order) < 2:
        return []
    a, b = order[:2]
    share, call = head_to_head(cmp, a, b)
    p_first = cmp.table.set_index("strategy")["p_first"]
    text = (f"**{a}** ranks first in {pct(p_first[a])} of the sets, **{b}** in "
            f"{pct(p_first[b])}; {a} holds the truce longer than {b} in {pct(share)} of them.")
    if call == "clear gain":
        text += f" That is clear: across the ensemble, {a} is the better of the two."
    elif CLEAR > share > 1.0 - CLEAR:
        text += (f" **The evidence cannot separate {a} from {b}**: which of the two does better "
                 "depends on parameter values the record does not pin down.")
    else:
        text += (f" **The evidence cannot separate {a} from {b}** yet: too few sets were drawn "
                 f"to call it clear ({len(cmp.sets)}; draw more with --sets).")
    return [("p", text)]


def flips(cmp: EnsembleComparison) -> list[tuple]:
    """What would have to be true for the ranking to flip: the PRIM box of each option that
    ranks first in some sets but not all, in words."""
    boxes = [(r.strategy, r.where_first, r.p_first) for r in cmp.table.itertuples()
             if r.where_first]
    if not boxes:
        top = ranked(cmp)[0]
        return [("p", f"**What would flip the ranking**: nothing among the sets drawn; "
                      f"**{top}** ranks first in every one of them.")]
    n = len(cmp.sets)
    items = [f"**{name}** ranks first in {round(p * n)} of the {n} sets ({pct(p)}), "
             + ("with no range of any one parameter singled out." if box == "anywhere" else
                f"mostly where {plain_box(box)}.") for name, box, p in boxes]
    intro = ("**What would have to be true for the ranking to flip** (PRIM over the parameter "
             "sets drawn: each box is where that option ranks first in most sets):")
    return [("p", intro), ("ul", items)]


def plain_box(box: str) -> str:
    """``a >= 1 and 0.1 <= b <= 0.2`` as words: ``a is at least 1 and b is between ...``."""
    parts = []
    for cond in box.split(" and "):
        bits = cond.split(" ")
        if len(bits) == 5:  # lo <= x <= hi
            parts.append(f"`{bits[2]}` is between {bits[0]} and {bits[4]}")
        elif len(bits) == 3:
            word = "at least" if bits[1] == ">=" else "at most"
            parts.append(f"`{bits[0]}` is {word} {bits[2]}")
        else:
            parts.append(cond)
    return " and ".join(parts)


def table_block(cmp: EnsembleComparison) -> tuple:
    """The ensemble's figures, one row per option."""
    head = ["option", "P(beats baseline) (95% interval)", "P(ranks first)",
            "mean gain in days held (RMST)", "5%-95% over sets",
            "share of the gain's variance from parameters", "verdict"]
    rows = [[r.strategy,
             "—" if math.isnan(r.p_beats) else
             f"{pct(r.p_beats)} ({pct(r.p_beats_lo)}–{pct(r.p_beats_hi)})",
             pct(r.p_first), f"{r.rmst_gain:+.1f}",
             f"{r.rmst_gain_5:+.1f} to {r.rmst_gain_95:+.1f}", pct(r.share_parameters),
             r.verdict]
            for r in cmp.table.itertuples()]
    return ("table", head, rows)


def fixed_intro(worlds: int) -> list[tuple]:
    """The heading and warning that open the fixed-parameter part of the memo."""
    text = (f"The sections below are for **one parameter set**: the values written in the "
            f"scenario file, with {worlds:,} worlds per option. Their intervals measure only "
            "the luck of the draw among worlds, not what the record leaves open about the "
            "parameters; where they look sharper than the section above, the section above "
            "holds.")
    return [("h2", "With the parameters fixed at the scenario's values"), ("p", text)]


def pct(x: float) -> str:
    """A share as a whole percentage ("n/a" when missing)."""
    return "n/a" if math.isnan(x) else f"{x:.0%}"
