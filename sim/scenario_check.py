"""`trucesim check` for scenario files: every problem in one pass, then warnings.

Pydantic checks cross-references between actors only once every field is valid, which made
users fix one round of problems to see the next. Here, when fields are invalid, the offending
keys are dropped from a copy of the data (so defaults stand in) and the copy is validated
again, so that unknown ids are reported in the same pass. Warnings follow for what is valid
but probably not meant: numbers that name no source (errors under ``--strict``) and parties
with nothing to fight over.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from sim.priors import resolve_with_problems, summary
from sim.scenario import (
    Problem,
    ScenarioError,
    find,
    line_of,
    parse_yaml,
    problems_from,
    read_text,
)
from sim.schema import ActorKind, Policy, Scenario
from sim.sources import NOT_VALUES, source_problems, unsourced

REPAIR_ROUNDS = 4  # each round drops the keys the last one rejected; nesting is at most ~7 deep
SHOWN = 8  # unsourced fields named in the warning; the rest are counted


@dataclass
class Report:
    """What ``check`` found in one scenario file."""

    scenario: Scenario | None = None
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # "LINE: warning: ...", no file name
    source_warnings: list[str] = field(default_factory=list)  # "LINE: ...", errors if --strict
    priors: list[str] = field(default_factory=list)  # one line per key of `priors:`
    n_prior_fields: int = 0  # fields the priors cover


def check_scenario(path: str | Path) -> Report:
    """Every problem of a scenario file in one pass, and what looks wrong though valid."""
    try:
        path = find(path)  # a shipped scenario's name reads the shipped file
        file = str(path)
        doc, data = parse_yaml(read_text(path), file)
    except ScenarioError as exc:
        return Report(problems=[str(p) for p in exc.problems])
    if not isinstance(data, dict):
        kind = "an empty file" if data is None else f"a {type(data).__name__}"
        return Report(problems=[(f"{file}:1: expected a mapping with meta: and actors:, "
                                 f"found {kind}")])
    report = Report(source_warnings=_source_warnings(data, Path(path), doc))
    try:
        report.scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        report.problems = [str(p) for p in all_problems(exc, file, doc, data)]
        return report
    report.warnings = [f"{line_of(doc, ('actors', 0)) or 1}: warning: {w}"
                       for w in fight_warnings(report.scenario)]
    fields, problems = resolve_with_problems(report.scenario, file, doc)
    report.problems = [str(p) for p in problems]
    report.priors = summary(fields)
    report.n_prior_fields = len(fields)
    return report


def all_problems(exc: ValidationError, file: str, doc: Any, data: Any) -> list[Problem]:
    """The problems of ``exc``, plus the cross-reference problems a repaired copy of the data
    shows (pydantic reports those only once every field is valid)."""
    problems = problems_from(exc.errors(), file, doc, data)
    fixed, errors = copy.deepcopy(data), exc.errors()
    for _ in range(REPAIR_ROUNDS):
        dropped = [_drop(fixed, e["loc"]) for e in errors if e["type"] != "invalid_reference"]
        if not any(dropped):  # (every drop made, none skipped by short-circuiting)
            break
        try:
            Scenario.model_validate(fixed)
            break
        except ValidationError as again:
            errors = again.errors()
        refs = [e for e in errors if e["type"] == "invalid_reference"]
        problems += problems_from(refs, file, doc, fixed)
    seen: set[str] = set()
    return [p for p in problems if not (str(p) in seen or seen.add(str(p)))]


def _drop(data: Any, loc: tuple) -> bool:
    """Delete the key ``loc`` names (a list item: the whole list, so no index shifts);
    True if something was deleted."""
    loc = tuple(k for k in loc if not (isinstance(k, str) and k.startswith("function")))
    while loc and isinstance(loc[-1], int):
        loc = loc[:-1]
    node = data
    for key in loc[:-1]:
        if (isinstance(node, dict) and key in node) or (
                isinstance(node, list) and isinstance(key, int) and 0 <= key < len(node)):
            node = node[key]
        elif isinstance(node, dict) and node.get("kind") == key:
            continue  # pydantic's union tag: not a key of the file
        else:
            return False
    if loc and isinstance(node, dict) and loc[-1] in node:
        del node[loc[-1]]
        return True
    return False


def _source_warnings(data: dict, path: Path, doc: Any) -> list[str]:
    """Numbers without a source, and sources of no recognised form, each as "LINE: message"
    (the line of the first number without a source, or of the source)."""
    out = []
    missing = unsourced(data)
    if missing:
        leaves = dict(_numeric_locs(data))
        line = line_of(doc, leaves.get(missing[0], ())) or 1
        shown = ", ".join(missing[:SHOWN]) + (f" and {len(missing) - SHOWN} more"
                                              if len(missing) > SHOWN else "")
        verb = "numbers name" if len(missing) > 1 else "number names"
        out.append(f"{line}: {len(missing)} {verb} no source: {shown}. Add them under "
                   "`sources:` (for example `actors.*: assumption`); see docs/scenarios.md, "
                   "\"Every number names its source\"")
    sources = data.get("sources")
    if isinstance(sources, dict):
        for key, text in sources.items():
            if isinstance(text, str):
                line = line_of(doc, ("sources", key)) or 1
                out += [f"{line}: sources.{p}" for p in source_problems({str(key): text},
                                                                        _seeds_root(path))]
    return out


def _numeric_locs(data: Any, loc: tuple = (), path: str = "") -> list[tuple[str, tuple]]:
    """(dotted path as :func:`sim.sources.numeric_leaves` writes it, loc) of every number."""
    if isinstance(data, bool):
        return []
    if isinstance(data, (int, float)):
        return [(path, loc)]
    if isinstance(data, dict):
        return [x for k, v in data.items() if k not in NOT_VALUES or loc
                for x in _numeric_locs(v, loc + (k,), f"{path}.{k}" if path else str(k))]
    if isinstance(data, list):
        return [x for i, v in enumerate(data) for x in _numeric_locs(
            v, loc + (i,), f"{path}.{v.get('id', i) if isinstance(v, dict) else i}")]
    return []


def _seeds_root(path: Path) -> Path:
    """The folder holding ``seeds/``: the scenario's folder or the nearest one above it."""
    here = path.resolve().parent
    return next((d for d in (here, *here.parents) if (d / "seeds").is_dir()), Path.cwd())


def fight_warnings(scn: Scenario) -> list[str]:
    """Warn when the parties have nothing to fight over: the truce can then break only by
    accident, retaliation or spoilers, and usually holds everywhere."""
    parties = [a for a in scn.actors if a.kind is ActorKind.PARTY]
    if len(parties) < 2:
        return ["only one party; a truce needs two sides to break it"]
    reasoned = {Policy.ADAPTIVE, Policy.ALWAYS_COMPLY}  # the others play fixed IPD rules
    eager = [a for a in parties if a.behaviour.policy not in reasoned
             or a.incentives.gain_from_fighting > a.incentives.cost_of_fighting]
    if eager:
        return []
    causes = ("accident, retaliation or spoilers" if scn.actor_ids(ActorKind.SPOILER)
              else "accident or retaliation")
    return [(f"no party gains from fighting (gain_from_fighting is not above "
             f"cost_of_fighting for {', '.join(a.id for a in parties)}), so the truce breaks "
             f"only by {causes}; set each party's incentives (see `trucesim new`)")]
