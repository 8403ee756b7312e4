"""Validating plain data as a scenario: pydantic's errors as problems located in the file.

Below :mod:`sim.scenario` (which loads files) so that :mod:`sim.priors` can validate a
parameter set without importing the loader that checks priors.
"""

from __future__ import annotations

from typing import Any, get_args

from pydantic import ValidationError

from sim.interventions_schema import Intervention
from sim.schema import Scenario
from sim.schema_info import unknown_field_hint
from sim.yamlio import Problem, ScenarioError, dotted, line_of


def _without_tags(loc: tuple, data: Any) -> tuple:
    """Drop the union tags pydantic puts in a location (``interventions.0.pressure.strength``
    is ``interventions.0.strength`` in the file: the tag is the item's ``kind``)."""
    out, node = [], data
    for key in loc:
        if isinstance(node, dict) and key not in node and node.get("kind") == key:
            continue
        out.append(key)
        if isinstance(node, dict):
            node = node.get(key)
        elif isinstance(node, list) and isinstance(key, int) and 0 <= key < len(node):
            node = node[key]
        else:
            node = None
    return tuple(out)


def _intervention_kinds() -> str:
    """The kinds of interventions (the only tagged union of the schema), quoted."""
    members = get_args(get_args(Intervention)[0])
    return ", ".join(repr(get_args(m.model_fields["kind"].annotation)[0]) for m in members)


def validation_problems(exc: ValidationError, file: str, doc: Any, data: Any) -> list[Problem]:
    """Located problems of a file that is not a scenario (experiment files): no field hints.

    Args:
        exc: pydantic's error for the file's data.
        file: the file's name, as problems show it.
        doc: the round-trip document (:func:`~sim.yamlio.parse_yaml`), for line numbers.
        data: the plain data that was validated.
    """
    return problems_from(exc.errors(), file, doc, data, root=None)


def problems_from(errors: list[dict], file: str, doc: Any, data: Any,
                  root: type | None = Scenario) -> list[Problem]:
    """Pydantic validation errors (``ValidationError.errors()``) as located problems; an unknown
    key of a ``root`` file gets the nearest field name, or the fields allowed there."""
    out = []
    for err in errors:
        loc = tuple(x for x in err["loc"] if not (isinstance(x, str) and x.startswith("function")))
        loc = _without_tags(loc, data)
        if err["type"] == "invalid_reference":
            for sub_loc, value, expected in err["ctx"]["problems"]:
                full = loc + tuple(sub_loc)
                out.append(Problem(file, line_of(doc, full), dotted(full, data), value, expected))
            continue
        value = None if err["type"] == "missing" else err.get("input")
        expected = err["msg"]
        if err["type"] in ("union_tag_invalid", "union_tag_not_found"):  # the `kind:` of an item
            key = err["ctx"]["discriminator"].strip("'")
            loc += (key,)
            value = err["ctx"].get("tag")
            missing = "required field is missing; " if value is None else ""
            expected = f"{missing}expected {key}: one of {_intervention_kinds()}"
        if err["type"] == "extra_forbidden":
            expected = (unknown_field_hint(root, loc, data) if root is not None else
                        "unknown field (check the spelling; see `trucesim schema`)")
        elif err["type"] == "missing":
            expected = "required field is missing"
        out.append(Problem(file, line_of(doc, loc), dotted(loc, data), value, expected))
    return out


def validate(data: Any, file: str = "<data>", doc: Any = None) -> Scenario:
    """Validate plain data as a scenario, raising :class:`ScenarioError` on any problem."""
    if not isinstance(data, dict):
        kind = "an empty file" if data is None else f"a {type(data).__name__}"
        raise ScenarioError([Problem(file, 1, "", None,
                                     f"expected a mapping with meta: and actors:, found {kind}")])
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(problems_from(exc.errors(), file, doc, data)) from None
