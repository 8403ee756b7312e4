"""The comparison report: summary.csv/json, survival.png, costs.png and a short policy memo
(md and html).

The memo is built once as a list of blocks (headings, paragraphs, lists, a table, the figure)
and rendered twice, to Markdown and to self-contained HTML, so the two always say the same.
Every file is written atomically.
"""

from __future__ import annotations

import base64
import html
import io
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from sim.analysis.survival import compare_table, table_records
from sim.atomic import atomic_write_all
from sim.memo import memo_blocks
from sim.report_text import display_table, pct, pval  # noqa: F401 -- re-exported
from sim.strategies import resolve
from sim.viz.plots import cost_benefit_plot, survival_plot

if TYPE_CHECKING:
    from sim.runner import CompareResult
    from sim.schema import Scenario

REPORT_FILES = ("summary.csv", "summary.json", "survival.png", "costs.png", "report.md",
                "report.html")
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
    ("Costs: mean effort points per world, split into one-off (per activation) and running "
     "(per day active while the truce holds); cost_per_day_gained is the extra cost over the "
     "baseline divided by the RMST gain, null unless the gain's 95% interval is above 0."),
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
        """The horizon in days shared by every strategy's run."""
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


def write_report(cmp: Comparison, out_dir: str | Path, lead: list[tuple] | None = None,
                 extra: dict | None = None) -> list[Path]:
    """Write summary.csv, summary.json, survival.png, costs.png, report.md and report.html to
    ``out_dir``, all or none.

    Args:
        cmp: the comparison.
        out_dir: the folder.
        lead: blocks that open the memo (:func:`sim.memo.memo_blocks`).
        extra: more files written with the others, all or none: name -> writer(path).
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    images = {"survival.png": io.BytesIO(), "costs.png": io.BytesIO()}
    survival_plot(cmp.result.worlds, images["survival.png"], _plot_title(cmp), cmp.horizon,
                  baseline=cmp.summary["baseline"])
    cost_benefit_plot(cmp.table, images["costs.png"],
                      f"{cmp.result.scenario}: what each option costs and what it buys")
    pngs = {name: buf.getvalue() for name, buf in images.items()}
    blocks = memo_blocks(cmp, lead)
    files = {
        "summary.csv": lambda p: cmp.table.to_csv(p, index=False, lineterminator="\n"),
        "summary.json": lambda p: Path(p).write_text(json.dumps(cmp.summary, indent=2) + "\n"),
        "survival.png": lambda p: Path(p).write_bytes(pngs["survival.png"]),
        "costs.png": lambda p: Path(p).write_bytes(pngs["costs.png"]),
        "report.md": lambda p: Path(p).write_text(to_markdown(blocks)),
        "report.html": lambda p: Path(p).write_text(to_html(blocks, pngs)),
    }
    files.update(extra or {})
    atomic_write_all({out / name: write for name, write in files.items()})  # all or none
    return [out / n for n in (*REPORT_FILES, *(extra or {}))]


def write_memo(blocks: list[tuple], out_dir: str | Path, extra: dict | None = None) -> list[Path]:
    """Write a memo of ``blocks`` alone (report.md, report.html) and ``extra`` files, all or
    none (``compare --ensemble --fixed-worlds 0``: no fixed-parameter part)."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    files = {"report.md": lambda p: Path(p).write_text(to_markdown(blocks)),
             "report.html": lambda p: Path(p).write_text(to_html(blocks)), **(extra or {})}
    atomic_write_all({out / name: write for name, write in files.items()})
    return [out / name for name in files]


def _plot_title(cmp: Comparison) -> str:
    return f"{cmp.result.scenario}: truce survival by strategy ({cmp.summary['worlds']:,} worlds)"


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


def to_html(blocks: list[tuple], png: bytes | dict[str, bytes] | None = None) -> str:
    """Render memo blocks as one self-contained HTML page (the PNGs embedded; no JS, no CDN).

    ``png`` is the bytes of every image, or a map from an image's file name to its bytes."""
    images = png if isinstance(png, dict) else None
    title = next((b[1] for b in blocks if b[0] == "h1"), "trucesim report")
    parts = []
    for kind, *body in blocks:
        if kind in ("h1", "h2", "p"):
            parts.append(f"<{kind}>{_inline(body[0])}</{kind}>")
        elif kind == "ul":
            parts.append("<ul>\n" + "\n".join(f"<li>{_inline(i)}</li>" for i in body[0])
                         + "\n</ul>")
        elif kind == "img":
            data = images.get(body[0]) if images is not None else png
            src = (f"data:image/png;base64,{base64.b64encode(data).decode('ascii')}"
                   if data is not None else html.escape(body[0]))
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
