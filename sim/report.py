"""The comparison report: summary.csv/json, survival.png and a short policy memo (md and html).

The memo is built once as a list of blocks (headings, paragraphs, lists, a table, the figure)
and rendered twice, to Markdown and to self-contained HTML, so the two always say the same.
Every file is written atomically.
"""

from __future__ import annotations

import base64
import html
import io
import json
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from sim.analysis.survival import GAIN_DAYS, compare_table, table_records
from sim.results import _atomic_write_all
from sim.strategies import resolve
from sim.viz.plots import survival_plot

if TYPE_CHECKING:
    from sim.runner import CompareResult
    from sim.schema import Scenario

ALPHA = 0.05
METHOD_NOTES = [
    ("Survival at a day: share of worlds whose truce has not collapsed by the end of that day, "
     "95% Wilson interval; gains over the baseline in percentage points, Newcombe hybrid score "
     "interval."),
    ("Median: Kaplan-Meier median with its 95% interval (lifelines); null means beyond the "
     "horizon."),
    ("RMST: restricted mean survival time up to the horizon (area under the Kaplan-Meier curve), "
     "normal-approximation interval from the per-world variance of min(T, horizon)."),
    ("Hazard ratio: Cox model with one binary covariate (strategy vs baseline), Efron ties; "
     "null with a note when an arm has no collapse."),
    ("p_logrank: log-rank test against the baseline; p_holm: Holm-adjusted across the "
     "strategies compared."),
    "All censoring is administrative, at the horizon.",
    ("Worlds are paired (common random numbers) but the tests treat arms as independent, which "
     "is conservative."),
]


@dataclass
class Comparison:
    """A comparison analysed: the flat table, its JSON form, and what it was computed from."""

    table: pd.DataFrame
    summary: dict
    result: CompareResult
    scenario: Scenario

    @property
    def horizon(self) -> int:
        return self.result.horizon


def analyse(result: CompareResult, scenario: Scenario) -> Comparison:
    """Analyse a :class:`sim.runner.CompareResult` of ``scenario``."""
    table = compare_table(result.worlds, result.horizon)
    first = next(iter(result.runs.values())).summary
    summary = {
        "scenario": result.scenario, "scenario_hash": first.get("scenario_hash"),
        "seed": first["seed"], "worlds": first["worlds"], "horizon_days": result.horizon,
        "baseline": str(table.loc[table["is_baseline"], "strategy"].iloc[0]),
        "strategies": {s: resolve(scenario, s).description.strip() for s in result.runs},
        "method": METHOD_NOTES,
        "results": table_records(table),
    }
    return Comparison(table, summary, result, scenario)


def write_report(cmp: Comparison, out_dir: str | Path) -> list[Path]:
    """Write summary.csv, summary.json, survival.png, report.md and report.html to ``out_dir``."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    png = io.BytesIO()
    survival_plot(cmp.result.worlds, png, _plot_title(cmp), cmp.horizon)
    blocks = memo_blocks(cmp)
    files = {
        "summary.csv": lambda p: cmp.table.to_csv(p, index=False, lineterminator="\n"),
        "summary.json": lambda p: Path(p).write_text(json.dumps(cmp.summary, indent=2) + "\n"),
        "survival.png": lambda p: Path(p).write_bytes(png.getvalue()),
        "report.md": lambda p: Path(p).write_text(to_markdown(blocks)),
        "report.html": lambda p: Path(p).write_text(to_html(blocks, png.getvalue())),
    }
    _atomic_write_all({out / name: write for name, write in files.items()})  # all or none
    return [out / n for n in ("summary.csv", "summary.json", "survival.png", "report.md",
                              "report.html")]


def _plot_title(cmp: Comparison) -> str:
    return f"{cmp.result.scenario}: truce survival by strategy ({cmp.summary['worlds']:,} worlds)"


# ---- formatting of figures ---------------------------------------------------------------------

def _nan(x) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def pct(x: float, digits: int = 1) -> str:
    return "—" if _nan(x) else f"{100 * x:.{digits}f}%"


def days(x: float, horizon: int) -> str:
    return f"> {horizon}" if _nan(x) else f"{x:.0f}"


def pval(p: float) -> str:
    if _nan(p):
        return "—"
    return "< 0.0001" if p < 1e-4 else f"{p:.4f}" if p < 0.01 else f"{p:.3f}"


def p_is(p: float) -> str:
    """"p < 0.0001" or "p = 0.031": a p-value inside a sentence."""
    text = pval(p)
    return f"p {text}" if text.startswith("<") else f"p = {text}"


def signed(x: float, unit: str = "", digits: int = 1) -> str:
    x = round(x, digits) + 0.0  # no "-0.0"
    return f"{x:+.{digits}f}{unit}"


def _sign_of(lo: float, hi: float) -> int:
    """+1 or -1 when a 95% interval excludes 0, else 0."""
    return 0 if _nan(lo) or _nan(hi) or lo <= 0 <= hi else (1 if lo > 0 else -1)


def hr_text(row: dict) -> str:
    if row["is_baseline"]:
        return "1 (reference)"
    if _nan(row["hr"]):
        return "—"
    return f"{row['hr']:.2f} ({row['hr_lo']:.2f}–{row['hr_hi']:.2f})"


def survival_cell(row: dict, day: int) -> str:
    if _nan(row.get(f"surv_{day}")):
        return "beyond horizon"
    return pct(row[f"surv_{day}"])


def median_cell(row: dict, horizon: int) -> str:
    med = days(row["median_days"], horizon)
    if _nan(row["median_days"]):
        return med
    return f"{med} ({days(row['median_lo'], horizon)}–{days(row['median_hi'], horizon)})"


def display_table(table: pd.DataFrame, horizon: int,
                  compact: bool = False) -> tuple[list[str], list[list[str]]]:
    """Headers and text rows of the comparison, as in the memo (or, compact, the CLI)."""
    head = (["strategy", "day 90", "day 180", "median (95% CI)", "RMST (gain)", "HR (95% CI)",
             "adj. p", "cost"] if compact else
            ["strategy", "holding day 90", "holding day 180", "median days (95% CI)",
             f"mean days held of {horizon} (RMST)", "hazard ratio (95% CI)", "adjusted p",
             "mean cost"])
    rows = []
    for row in table.to_dict(orient="records"):
        rmst = f"{row['rmst_days']:.1f}"
        if not row["is_baseline"]:
            rmst += f" ({signed(row['rmst_gain_days'])})"
        rows.append([row["strategy"], survival_cell(row, 90), survival_cell(row, 180),
                     median_cell(row, horizon), rmst, hr_text(row), pval(row["p_holm"]),
                     f"{row['mean_cost']:,.2f}"])
    return head, rows


# ---- the memo ----------------------------------------------------------------------------------

def memo_blocks(cmp: Comparison) -> list[tuple]:
    """The memo as blocks: ("h1"|"h2"|"p", text), ("ul", [items]), ("table", head, rows),
    ("img", file name, alt text). Text may use **bold**."""
    s, h = cmp.summary, cmp.horizon
    byline = (f"A policy memo generated by trucesim from {s['worlds']:,} simulated worlds per "
              f"option (seed {s['seed']}). **A model, not a forecast.**")
    blocks = [("h1", f"Keeping the truce: what the options do — {s['scenario']}"), ("p", byline)]
    blocks += _compared(cmp) + _helps(cmp) + _sureness(cmp) + _limits(cmp) + _caveats(cmp)
    head, rows = display_table(cmp.table, h)
    blocks += [("h2", "The figures"),
               ("img", "survival.png", "Kaplan–Meier survival curves by strategy"),
               ("table", head, rows),
               ("p", "All figures, with every interval, are in summary.csv and summary.json.")]
    return blocks


def _rows(cmp: Comparison) -> tuple[dict, list[dict]]:
    records = cmp.table.to_dict(orient="records")
    base = next(r for r in records if r["is_baseline"])
    return base, [r for r in records if not r["is_baseline"]]


def _compared(cmp: Comparison) -> list[tuple]:
    s = cmp.summary
    items = [f"**{name}** — {desc or '(no description)'}" for name, desc in
             s["strategies"].items()]
    desc = " ".join(cmp.scenario.meta.description.split())
    fair = (f"Each option was played out in the same {s['worlds']:,} simulated worlds over "
            f"{cmp.horizon} days, with the same random numbers (seed {s['seed']}): where two "
            "options differ, the difference comes from the option, not from the luck of the "
            f"draw. The reference is **{s['baseline']}**.")
    return [("h2", "What was compared"),
            ("p", f"Scenario: **{s['scenario']}**. {desc}".strip()), ("ul", items), ("p", fair)]


def _gain_sentence(r: dict, base: dict, day: int, first: bool = True) -> str:
    if _nan(r[f"gain_{day}_pp"]):
        return ""
    words = " of worlds still hold a truce" if first else ""
    return (f"at day {day}, {pct(r[f'surv_{day}'])}{words} against "
            f"{pct(base[f'surv_{day}'])} ({signed(r[f'gain_{day}_pp'], ' points')}, 95% CI "
            f"{signed(r[f'gain_{day}_pp_lo'])} to {signed(r[f'gain_{day}_pp_hi'])})")


def _hr_sentence(r: dict) -> str:
    if _nan(r["hr"]):
        return f"No hazard ratio: {r['note']}."
    change = (1 - r["hr"]) if r["hr"] < 1 else (r["hr"] - 1)
    word = "lower" if r["hr"] < 1 else "higher"
    return (f"On any given day the risk of collapse is {pct(change, 0)} {word} (hazard ratio "
            f"{r['hr']:.2f}, {r['hr_lo']:.2f} to {r['hr_hi']:.2f}).")


def _strategy_paragraph(r: dict, base: dict, horizon: int) -> str:
    gains = [g for g in (_gain_sentence(r, base, d, i == 0) for i, d in enumerate(GAIN_DAYS))
             if g]
    gain = _sign_of(r["rmst_gain_lo"], r["rmst_gain_hi"])
    ci = f"{signed(r['rmst_gain_lo'])} to {signed(r['rmst_gain_hi'])}"
    text = f"**{r['strategy']}**: " + ("; ".join(gains) + ". " if gains else "")
    if gain:
        text += (f"Over the first {horizon} days the truce holds {abs(r['rmst_gain_days']):.1f} "
                 f"days {'longer' if gain > 0 else 'shorter'} on average ({ci}). ")
    else:
        text += (f"Over the first {horizon} days the truce holds about as long on average "
                 f"({signed(r['rmst_gain_days'], ' days')}, {ci}). ")
    text += _hr_sentence(r) + _crossing_sentence(r)
    if r["mean_cost"] > 0:
        text += f" Mean cost per world: {r['mean_cost']:,.2f}"
        if gain > 0:
            text += f" ({r['mean_cost'] / r['rmst_gain_days']:,.2f} per extra day held)"
        text += "."
    return text


def _crossing_sentence(r: dict) -> str:
    """Warn when clear effects point in opposite directions: the curves cross."""
    signs = {_sign_of(r[f"gain_{d}_pp_lo"], r[f"gain_{d}_pp_hi"]) for d in GAIN_DAYS}
    signs.add(-_sign_of(r["hr_lo"] - 1, r["hr_hi"] - 1))  # HR below 1 is a gain
    if {1, -1} <= signs:
        return (" Its curve crosses the baseline's — better at some times, worse at others — "
                "so the hazard ratio averages opposite effects.")
    return ""


def _helps(cmp: Comparison) -> list[tuple]:
    base, others = _rows(cmp)
    if not others:
        return [("h2", "What helps, and by how much"),
                ("p", "Only one option was run, so there is nothing to compare it with.")]
    ranked = sorted(others, key=lambda r: -r["rmst_gain_days"])
    best = ranked[0]
    verdict = (f"Measured by the mean number of days the truce holds, the strongest option is "
               f"**{best['strategy']}** ({signed(best['rmst_gain_days'], ' days')} against "
               f"{base['strategy']})." if best["rmst_gain_days"] > 0 else
               f"No option makes the truce last longer on average than {base['strategy']}.")
    return [("h2", "What helps, and by how much"), ("p", verdict),
            ("ul", [_strategy_paragraph(r, base, cmp.horizon) for r in ranked])]


def _certainty(r: dict) -> str:
    p = r["p_holm"]
    if _nan(p):
        return f"**{r['strategy']}**: no test possible ({r['note'] or 'no collapses at all'})."
    if p < ALPHA:
        gain = _sign_of(r["rmst_gain_lo"], r["rmst_gain_hi"])
        how = ("almost certainly not chance" if p < 0.001 else "unlikely to be chance")
        what = (f"clearly {'better' if gain > 0 else 'worse'} than the baseline" if gain else
                "differs from the baseline in when truces collapse, though not clearly in the "
                "mean days held")
        return f"**{r['strategy']}**: {what} — {how} (adjusted {p_is(p)})."
    return (f"**{r['strategy']}**: not distinguishable from the baseline with this many worlds "
            f"(adjusted {p_is(p)}); the difference may be chance.")


def _options(n: int) -> str:
    return "one option was" if n == 1 else f"{n} options were"


def _sureness(cmp: Comparison) -> list[tuple]:
    _, others = _rows(cmp)
    intro = ("The ranges in brackets are 95% confidence intervals: they show how much the "
             "figures could move if the simulation were rerun with other random numbers. The "
             "p-values ask whether an option differs from the baseline at all (log-rank test); "
             f"they are corrected with Holm's method because {_options(len(others))} "
             "tested at once, and a value below 0.05 counts as a clear difference.")
    paired = ("The options were run on the same worlds, but the tests treat them as independent "
              "samples. This makes the ranges wider and the p-values larger than they need be: "
              "the conclusions are, if anything, cautious.")
    return [("h2", "How sure we are"), ("p", intro),
            ("ul", [_certainty(r) for r in others]), ("p", paired)]


def _limits(cmp: Comparison) -> list[tuple]:
    records = cmp.table.to_dict(orient="records")
    h = cmp.horizon
    best = max(records, key=lambda r: 1 - r["share_collapsed"])
    alive = 1 - best["share_collapsed"]
    if alive < 0.5:
        text = (f"No option keeps the truce alive to day {h} in more than {pct(alive)} of worlds "
                f"(best: **{best['strategy']}**): in most worlds it collapses whatever is tried.")
    else:
        text = (f"The best option, **{best['strategy']}**, keeps the truce alive to day {h} in "
                f"{pct(alive)} of worlds; in the other {pct(1 - alive)} it collapses even so.")
    items = [text]
    medians = [r["median_days"] for r in records]
    if not any(_nan(m) for m in medians):
        latest = max(records, key=lambda r: r["median_days"])
        items.append(f"Under every option, half of the worlds have lost the truce by day "
                     f"{latest['median_days']:.0f} (the latest median, under "
                     f"{latest['strategy']}).")
    items.append(_causes_text(records))
    return [("h2", "What none of the options achieves"), ("ul", [i for i in items if i])]


def _causes_text(records: list[dict]) -> str:
    leads = {(r["cause_1"], r["cause_1_mode"]) for r in records if r["cause_1"] is not None}
    if len(leads) != 1:
        parts = [f"{r['strategy']}: {r['cause_1']} ({r['cause_1_mode']}, "
                 f"{pct(r['cause_1_share'], 0)})" for r in records if r["cause_1"] is not None]
        return ("The commonest opening of the final escalation differs by option — "
                + "; ".join(parts) + ".") if parts else ""
    cause, mode = leads.pop()
    shares = [r["cause_1_share"] for r in records if r["cause_1"] is not None]
    return (f"Whatever the option, the escalation that ends the truce is most often opened by "
            f"**{cause}** ({mode.replace('_', ' ')}): {pct(min(shares), 0)} to "
            f"{pct(max(shares), 0)} of collapses.")


def _caveats(cmp: Comparison) -> list[tuple]:
    h = cmp.horizon
    return [("h2", "Caveats"), ("ul", [
        ("**A model, not a forecast.** The figures are shares of simulated worlds under the "
         "model's assumptions, not probabilities for the real world."),
        ("**Calibrated on one case at most.** The parameters come from one case and, where the "
         "scenario file marks them `assumption`, from judgement; a different case could rank "
         "the options differently."),
        ("**Common random numbers.** Every option faced the same simulated worlds, which makes "
         "the comparison fair and sharp; the tests ignore this pairing and are conservative."),
        ("**The hazard ratio is an average over the whole period.** Where survival curves cross, "
         "read the survival figures at days 90 and 180 instead."),
        (f"**Only the first {h} days are seen.** A median shown as \u201c> {h}\u201d lies beyond "
         "the horizon; nothing is said about what happens after it."),
        "**Costs** are in the scenario's own units; 0 means the option was not costed.",
    ])]


# ---- rendering ---------------------------------------------------------------------------------

def _md_cell(text: str) -> str:
    return text.replace("|", "\\|")


def to_markdown(blocks: list[tuple]) -> str:
    """Render memo blocks as Markdown."""
    out = []
    for kind, *body in blocks:
        if kind == "h1":
            out.append(f"# {body[0]}")
        elif kind == "h2":
            out.append(f"## {body[0]}")
        elif kind == "p":
            out.append(body[0])
        elif kind == "ul":
            out.append("\n".join(f"- {item}" for item in body[0]))
        elif kind == "img":
            out.append(f"![{body[1]}]({body[0]})")
        elif kind == "table":
            head, rows = body
            lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
            lines += ["| " + " | ".join(_md_cell(c) for c in r) + " |" for r in rows]
            out.append("\n".join(lines))
    return "\n\n".join(out) + "\n"


def _inline(text: str) -> str:
    text = html.escape(text, quote=False)
    text = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", text)
    return re.sub(r"`(.+?)`", r"<code>\1</code>", text)


CSS = """body{font-family:Georgia,serif;max-width:52em;margin:2em auto;padding:0 1em;
line-height:1.45;color:#222}h1{font-size:1.6em}h2{font-size:1.2em;margin-top:1.6em}
table{border-collapse:collapse;font-family:sans-serif;font-size:.85em}
th,td{border:1px solid #bbb;padding:.3em .5em;text-align:right}
th:first-child,td:first-child{text-align:left}th{background:#eee}img{max-width:100%}"""


def to_html(blocks: list[tuple], png: bytes | None = None) -> str:
    """Render memo blocks as one self-contained HTML page (the PNG embedded; no JS, no CDN)."""
    title = next((b[1] for b in blocks if b[0] == "h1"), "trucesim report")
    parts = []
    for kind, *body in blocks:
        if kind in ("h1", "h2", "p"):
            parts.append(f"<{kind}>{_inline(body[0])}</{kind}>")
        elif kind == "ul":
            parts.append("<ul>\n" + "\n".join(f"<li>{_inline(i)}</li>" for i in body[0])
                         + "\n</ul>")
        elif kind == "img":
            src = (f"data:image/png;base64,{base64.b64encode(png).decode('ascii')}"
                   if png is not None else html.escape(body[0]))
            parts.append(f'<p><img src="{src}" alt="{html.escape(body[1])}"></p>')
        elif kind == "table":
            head, rows = body
            th = "".join(f"<th>{html.escape(h)}</th>" for h in head)
            trs = "\n".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in r) + "</tr>"
                            for r in rows)
            parts.append(f'<table class="summary">\n<tr>{th}</tr>\n{trs}\n</table>')
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            f"<title>{html.escape(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
            + "\n".join(parts) + "\n</body>\n</html>\n")
