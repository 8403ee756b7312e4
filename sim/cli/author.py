"""Commands for writing scenarios: `trucesim new`, `trucesim show`, `trucesim strategies`."""

from __future__ import annotations

from fnmatch import fnmatchcase
from pathlib import Path
from typing import Annotated, Any

import typer

from sim.atomic import atomic_write
from sim.cli.common import SCENARIO_HELP, SetOption, fail, load_or_fail, out
from sim.interventions_schema import actor_refs
from sim.scenario import find, line_of, parse_yaml, read_text
from sim.strategies import STANDARD, available, resolve
from sim.strategies.library import EFFORT_POINT
from sim.template import render


def new(
    path: Annotated[Path, typer.Argument(help="Scenario file to create (YAML).")],
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
):
    """Write a commented scenario template: parties, brokers, a spoiler, an issue, strategies
    and sources, with every field's meaning and range explained in place.

    The template runs as it is; edit its values, then check it.

    Examples:

        trucesim new my_truce.yaml

        trucesim check my_truce.yaml
    """
    if path.exists() and not force:
        fail([f"{path}: already exists; expected a new file name (or --force to overwrite)"])
    if not path.parent.is_dir():
        fail([f"{path}: folder {path.parent} does not exist; expected an existing folder"])
    try:
        atomic_write(path, lambda p: Path(p).write_text(render(str(path))))
    except OSError as exc:
        fail([f"{path}: cannot write: {exc.strerror or exc}"])
    out.print(f"wrote {path}; next: trucesim check {path}", highlight=False)


def show(
    scenario: Annotated[Path, typer.Argument(help=SCENARIO_HELP)],
    set_: SetOption = None,
    defaults_only: Annotated[bool, typer.Option(
        "--defaults", help="Show only the values the file leaves to the defaults.")] = False,
):
    """Print every value the model will use, defaults filled in, and where each comes from:
    the file (with its line) or the schema's default, and the source the file names for it.

    Examples:

        trucesim show scenarios/two_party.yaml

        trucesim show scenarios/syria_2016.yaml --defaults
    """
    scn = load_or_fail(scenario, set_)
    scenario = find(scenario)  # a shipped name reads the shipped file
    doc, raw = parse_yaml(read_text(scenario), str(scenario))
    sources = scn.sources
    rows = []
    for loc, path, value in leaves(scn.model_dump(mode="json", exclude={"sources"})):
        given = _given(raw, loc)
        if defaults_only and given:
            continue
        where = f"line {line_of(doc, loc)}" if given else "default"
        rows.append((path, _text(value), where, _source_of(path, sources, value, given)))
    out.print(f"{scenario}: {len(rows)} values; each line: field = value  (where it is set; "
              "the source the file names for it)", highlight=False)
    for path, value, where, source in rows:
        note = f"{where}; {source}" if source else where
        out.print(f"{path} = {value}  ({note})", highlight=False, markup=False)


def leaves(data: Any, loc: tuple = (), path: str = "") -> list[tuple[tuple, str, Any]]:
    """(loc, dotted path with actor ids, value) for every scalar or list of scalars."""
    if isinstance(data, dict):
        return [leaf for k, v in data.items()
                for leaf in leaves(v, loc + (k,), f"{path}.{k}" if path else str(k))]
    if isinstance(data, list) and any(isinstance(v, dict) for v in data):
        return [leaf for i, v in enumerate(data)
                for leaf in leaves(v, loc + (i,), f"{path}.{v.get('id', i)}")]
    return [(loc, path, data)]


def _given(raw: Any, loc: tuple) -> bool:
    node = raw
    for key in loc:
        if (isinstance(node, dict) and key in node) or (
                isinstance(node, list) and isinstance(key, int) and key < len(node)):
            node = node[key]
        else:
            return False
    return True


def _source_of(path: str, sources: dict[str, str], value: Any, given: bool) -> str:
    """The source the file names for a number it sets ("" for text and defaults)."""
    if not given or isinstance(value, bool) or not isinstance(value, (int, float)):
        return ""
    for pattern, text in sources.items():
        if fnmatchcase(path, pattern) or fnmatchcase(path, pattern + ".*"):
            return f"source: {text}"
    return "NO SOURCE"


def _text(value: Any) -> str:
    if value is None:
        return "none"
    text = str(value) if not isinstance(value, str) else repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def strategies(
    scenario: Annotated[Path, typer.Argument(help=SCENARIO_HELP)],
):
    """List the strategies you can compare on a scenario: its own and the standard library's,
    with what each does, when its interventions fire and what they cost.

    Example:

        trucesim strategies scenarios/syria_2016.yaml
    """
    scn = load_or_fail(scenario, None)
    for name in available(scn):
        origin = ("scenario" if name not in STANDARD else
                  "scenario, replaces the standard one" if name in scn.strategies
                  else "standard library")
        strategy = resolve(scn, name)
        out.print(f"[bold]{name}[/bold] ({origin})", highlight=False)
        out.print(f"  {' '.join(strategy.description.split()) or '(no description)'}",
                  highlight=False, markup=False)
        for line in intervention_lines(strategy):
            out.print(f"    - {line}", highlight=False, markup=False)
    out.print(f"Costs: {EFFORT_POINT}", highlight=False, markup=False)


def intervention_lines(strategy) -> list[str]:
    """One line per intervention or scripted event: kind, when, costs."""
    lines = [f"{iv.kind.replace('_', ' ')}{_who(iv)}: {_when(iv)}; {_cost(iv)}"
             for iv in strategy.interventions]
    if strategy.events:
        lines.append(f"{len(strategy.events)} scripted events (days "
                     f"{strategy.events[0].day}-{strategy.events[-1].day})")
    return lines or ["no intervention"]


def _who(iv) -> str:
    named = list(dict.fromkeys(value for _, value, _ in actor_refs(iv)))
    return f" ({', '.join(named)})" if named else ""


def _when(iv) -> str:
    t = iv.trigger
    text = f"from day {t.from_day}" + (f" to day {t.until_day}" if t.until_day is not None else "")
    if t.when is not None:
        cond = {"violations_7d": f" >= {t.threshold:g}",
                "trust_below": f" < {t.threshold:g}"}.get(t.when.value, "")
        text += f", when {t.when.value}{cond}"
    if iv.duration_days is not None:
        text += f", for {iv.duration_days} day{'s' if iv.duration_days != 1 else ''}"
    if t.cooldown_days:
        text += f", {t.cooldown_days} days apart"
    if t.budget is not None:
        text += ", once" if t.budget == 1 else f", at most {t.budget} times"
    return text


def _cost(iv) -> str:
    if not (iv.cost_per_activation or iv.cost_per_day):
        return "not costed"
    parts = [f"{_points(iv.cost_per_activation)} per activation (one-off)"
             if iv.cost_per_activation else "",
             f"{_points(iv.cost_per_day)} per day active (running)" if iv.cost_per_day else ""]
    return " + ".join(p for p in parts if p)


def _points(x: float) -> str:
    return f"{x:g} point{'' if x == 1 else 's'}"


def register(app: typer.Typer) -> None:
    """Add the authoring commands to the `trucesim` app."""
    for command in (new, show, strategies):
        app.command()(command)
