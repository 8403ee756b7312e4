"""A real case's dated record beside the dashboard's run, and the dashboard's scenario menu.

A case of the library (``scenarios/cases/<id>.yaml``) has its record file beside it,
``targets/<id>.yaml``, written by ``trucesim new-case`` from the case's features
(:func:`sim.codebook_build.build_targets`): the start date, how the truce ended and on which
day, whether it still held on days 7, 30, 90 and 365, and the key dated events. The features
file, ``features/<id>.yaml`` (:class:`sim.codebook.Features`), gives each event its note. The
dashboard shows these beside the run, so a student sees the model against the record: the
share of the ensemble's worlds still holding on each day the record speaks for, and the
record's days marked on the survival curve.

Only the files' schema is read here, never a particular case's content: any scenario with a
record file beside it is a case. Every scenario of the menu is a shipped one
(:mod:`sim.shipped`, apart from the scorecard's generic ``validation/`` scenarios), with its
name and, for a case, its start date and how it ended.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from sim.codebook import Ending, load_features
from sim.scenario_validate import problems_from
from sim.schema import EventAction
from sim.shipped import SCENARIOS, catalogue, path_of
from sim.yamlio import ScenarioError, parse_yaml, read_text

NOT_IN_MENU = ("validation/",)  # the scorecard's generic scenarios: claims, not lessons
RECORD_COLOUR = "black"


class RecordFileEvent(BaseModel):
    """A dated event of a record file (``events:``)."""

    model_config = ConfigDict(extra="ignore")
    day: int = Field(ge=0)
    actor: str
    action: EventAction
    note: str = ""


class RecordFile(BaseModel):
    """What the dashboard reads of a case's record file (other keys are left alone)."""

    model_config = ConfigDict(extra="ignore")
    case: str
    start_date: dt.date
    ending: Ending
    day: int = Field(ge=0, description="Day it ended, or the last day the record covers.")
    note: str = ""
    record: str = ""
    held_at_day: dict[int, bool | None]
    events: list[RecordFileEvent] = []


@dataclass(frozen=True)
class CaseRecord:
    """A case's record as the dashboard shows it."""

    case: str
    start_date: dt.date
    ending: Ending
    day: int
    note: str
    record: str  # the dated record in seeds/
    held_at_day: dict[int, bool | None]
    events: list[RecordFileEvent] = field(default_factory=list)

    def date_of(self, day: int) -> str:
        """The calendar date of a day of the case (day 0 = the start date)."""
        return _date(self.start_date + dt.timedelta(days=day))


def _date(d: dt.date) -> str:
    return f"{d.day} {d:%b %Y}"


def record_file(scenario: Path) -> Path:
    """Where a scenario's record file would be: ``targets/`` beside it, same name."""
    return Path(scenario).parent / "targets" / Path(scenario).name


def record_of(scenario: Path) -> CaseRecord | None:
    """The record of the case ``scenario`` is (None: it is no case, having no record file).

    Raises:
        ScenarioError: the record file is not of the form ``trucesim new-case`` writes,
            located by file, line and field.
    """
    path = record_file(scenario)
    if not path.is_file():
        return None
    doc, data = parse_yaml(read_text(path), str(path))
    try:
        rf = RecordFile.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(problems_from(exc.errors(), str(path), doc, data, RecordFile)
                            ) from None
    events = _with_notes(rf.events, Path(scenario).parent / "features" / Path(scenario).name)
    return CaseRecord(rf.case, rf.start_date, rf.ending, rf.day, rf.note, rf.record,
                      rf.held_at_day, events)


def _with_notes(events: list[RecordFileEvent], features: Path) -> list[RecordFileEvent]:
    """The events, each with the note the case's features file gives it (if there is one)."""
    if not features.is_file():
        return events
    notes = {(e.day, e.actor, e.action.value): e.note
             for e in load_features(features).record_events}
    return [e.model_copy(update={"note": notes.get((e.day, e.actor, e.action.value), e.note)})
            for e in events]


# ------------------------------------------------------------------ in words
def outcome_line(rec: CaseRecord) -> str:
    """How the record says the truce ended, with the day and date."""
    when = f"day {rec.day} ({rec.date_of(rec.day)})"
    said = {Ending.BREAKDOWN: f"broke down on {when}",
            Ending.EXPIRY: f"ran to its agreed end on {when} and was not renewed",
            Ending.HOLDING: f"still held on {when}, when the record stops"}[rec.ending]
    return f"From {_date(rec.start_date)} (day 0) the truce {said}."


def short_outcome(rec: CaseRecord) -> str:
    """The menu's few words: start date and ending."""
    said = {Ending.BREAKDOWN: "broke down", Ending.EXPIRY: "expired",
            Ending.HOLDING: "still holding"}[rec.ending]
    return f"{_date(rec.start_date)}; {said} on day {rec.day}"


def model_vs_record(rec: CaseRecord, holding: list[float] | None, worlds: int) -> list[str]:
    """For each day the record speaks for, what it says and the share of the ensemble's
    worlds still holding that day (``holding``: the survival curve by day, None
    before any world has run)."""
    out = []
    for d, held in sorted(rec.held_at_day.items()):
        said = {True: "holding", False: "broken down", None: "cannot say"}[held]
        if holding is None or d >= len(holding):
            model = ("beyond the run's last day" if holding is not None
                     else "no ensemble worlds run yet")
        else:
            model = f"{holding[d]:.0%} of {worlds:,} worlds holding"
        out.append(f"Day {d} ({rec.date_of(d)}) · the record: {said} · the model: {model}")
    return out


def event_lines(rec: CaseRecord, names: dict[str, str]) -> list[str]:
    """The record's key dated events, one line each, actors by name."""
    return [f"Day {e.day} ({rec.date_of(e.day)}), {names.get(e.actor, e.actor)} "
            f"({e.action.value})" + (f": {e.note}" if e.note else "") for e in rec.events]


# ------------------------------------------------------------------ on the survival curve
def mark_record(ax, rec: CaseRecord, horizon: int) -> None:
    """The record on a survival plot: a dot at 1 for each day it held, a cross at 0 once it
    had broken down, and a dotted line on the day it broke down."""
    held = [d for d, h in rec.held_at_day.items() if h is True and d <= horizon]
    broke = [d for d, h in rec.held_at_day.items() if h is False and d <= horizon]
    if held:
        ax.scatter(held, [1.0] * len(held), marker="o", color=RECORD_COLOUR, zorder=4,
                   label="the record: held")
    if broke:
        ax.scatter(broke, [0.0] * len(broke), marker="x", color=RECORD_COLOUR, zorder=4,
                   clip_on=False, label="the record: had broken down")
    if rec.ending is Ending.BREAKDOWN and rec.day <= horizon:
        ax.axvline(rec.day, color=RECORD_COLOUR, ls=":", lw=1.2,
                   label=f"the record: broke down on day {rec.day}")
    ax.legend(fontsize=7, loc="lower left")


# ------------------------------------------------------------------ the menu
def menu(first: Path) -> dict[str, Path]:
    """Label -> scenario file for the dashboard's menu: ``first`` (the file it was started
    on), then every shipped scenario and case, by name; a case's label adds its start date and
    ending (or says its record cannot be read)."""
    first = Path(first).resolve()
    out: dict[str, Path] = {}
    for name, title in catalogue(SCENARIOS):
        if name.startswith(NOT_IN_MENU):
            continue
        path = path_of(name).resolve()
        out[_label(title, path)] = path
    if first not in out.values():
        out = {_label(_title(first), first): first} | out
    return out


def _title(path: Path) -> str:
    """A scenario's ``meta.name``, read without validating it (else its file name)."""
    try:
        return str(parse_yaml(read_text(path), str(path))[1]["meta"]["name"])
    except (ScenarioError, KeyError, TypeError):
        return path.stem


def _label(title: str, path: Path) -> str:
    try:
        rec = record_of(path)
    except ScenarioError:
        return f"{title} (its record cannot be read: see {record_file(path).name})"
    return f"{title} ({short_outcome(rec)})" if rec else title
