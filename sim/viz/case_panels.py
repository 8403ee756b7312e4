"""The dashboard's scenario menu and a real case's record card (:mod:`sim.viz.record`).

The menu lists the shipped scenarios and the real cases, each case with its start date and how
it ended; choosing one starts a new world of it in this session. Beside a case's run, the
record card says how the truce ended in the record, what the record says and what share of the
ensemble's worlds still hold on each day the record speaks for, and the key dated events.
"""

from __future__ import annotations

import numpy as np
import solara

from sim.scenario import ScenarioError
from sim.story import Narrator
from sim.viz.dashboard import survival_curve
from sim.viz.record import CaseRecord, event_lines, model_vs_record, outcome_line
from sim.viz.widgets import Hook, Paragraphs


@solara.component
def Chooser(choices: dict, chosen: solara.Reactive):
    """The scenario or real case shown (cases with their start date and ending); choosing
    another starts a new world of it."""
    label = next((k for k, p in choices.items() if p == chosen.value), None)

    def choose(new: str) -> None:
        chosen.value = choices[new]

    with solara.Card("Scenario"):
        solara.Select("Scenario or case", values=list(choices), value=label, on_value=choose)


@solara.component
def Unreadable(exc: ScenarioError, choices: dict, chosen: solara.Reactive):
    """A chosen file that cannot be read: its located problems, and the menu to choose again."""
    with solara.Sidebar():
        Chooser(choices, chosen)
    Paragraphs([str(p) for p in exc.problems], classes=["px-6", "py-2", "trucesim-unreadable"])


@solara.component
def RecordCard(rec: CaseRecord, model, collapse: np.ndarray):
    """A real case's record beside the run: how the truce ended, the record against the
    ensemble on each day the record speaks for, and the key dated events."""
    holding = survival_curve(collapse, model.params.horizon) if len(collapse) else None
    Hook("trucesim-record", case=rec.case, events=len(rec.events), ensemble=len(collapse))
    with solara.Card(f"The record ({rec.record or rec.case})"):
        Paragraphs([outcome_line(rec) + (f" {rec.note}" if rec.note else ""),
                    f"The model: this page's ensemble, under strategy {model.strategy_name} "
                    f"and seed {model.streams.seed}.",
                    *model_vs_record(rec, holding, len(collapse))],
                   classes=["trucesim-record-text"])
        solara.Text("Key dated events:")
        Paragraphs(event_lines(rec, Narrator(model.config).names)
                   or ["The record names no key events."], classes=["trucesim-record-events"])
