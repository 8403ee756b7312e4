"""Writing a scenario: the template (`trucesim new`), `show`, `strategies`, and `check`
reporting every problem in one pass with hints and warnings."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

import sim
from sim.cli import app
from sim.scenario_check import check_scenario
from sim.schema import Scenario
from sim.schema_info import model_for
from sim.template import EXAMPLE, comment, render

ROOT = Path(__file__).resolve().parents[1]
BAD = ROOT / "examples" / "bad_scenario.yaml"
FOUR_LINES = """\
meta: {name: Mine, start_date: 2024-01-01}
actors:
  - {id: a, name: A, kind: party, stances: {commitment: 0.5}}
  - {id: b, name: B, kind: party, stances: {commitment: 0.5}}
"""


def invoke(*args: str):
    return CliRunner().invoke(app, [str(a) for a in args], env={"COLUMNS": "200"})


def make_file(tmp_path: Path, text: str, name: str = "s.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


# ---- the template ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("new") / "my_truce.yaml"
    result = invoke("new", path)
    assert result.exit_code == 0, result.output
    return path


def test_the_template_loads_checks_clean_and_has_every_kind_of_actor(template):
    report = check_scenario(template)
    assert report.problems == [] and report.warnings == [] and report.source_warnings == []
    scn = sim.load(template)
    kinds = {a.kind.value for a in scn.actors}
    roles = {a.role.value for a in scn.actors if a.role}
    assert kinds == {"party", "broker", "spoiler"} and {"mediator", "patron"} <= roles
    assert scn.issues and len(scn.strategies) >= 3 and scn.sources


def test_the_template_runs_and_its_truce_can_fail(template):
    # with something to fight over and a spoiler, some worlds collapse within a year: 3 and 7
    # of 1,000 did (seed 1, baseline; the compiled day and the numpy engine before it), so
    # 2,000 worlds expect 6-14 and none at all has probability e**-6 ~ 0.25% at the lower rate
    result = sim.run(sim.load(template), "baseline", worlds=2000, seed=1)
    assert 0 < result.summary["collapsed"]["share"] < 1


def _explained(model, data: dict, found: list) -> None:
    for key, value in data.items():
        info = model.model_fields[key]
        found.append((model, key, comment(info)))
        sub = model_for(info, value)
        items = value if isinstance(value, list) else (
            list(value.values()) if isinstance(value, dict) and not set(value) <= set(
                sub.model_fields if sub else {}) else [value])
        for item in items:
            if sub is not None and isinstance(item, dict):
                _explained(model_for(info, item), item, found)


def test_every_field_of_the_template_is_explained_by_the_schema_in_place(template):
    text = " ".join(line.strip().lstrip("# ") for line in template.read_text().splitlines()
                    if line.strip().startswith("#"))
    found: list = []
    _explained(Scenario, EXAMPLE, found)
    assert len(found) > 80
    for model, key, explanation in found:
        if key == "kind" and model.__name__ not in ("Actor",):
            continue  # an intervention's kind: the kinds are listed at `interventions:`
        assert explanation, f"{model.__name__}.{key} has no description in the schema"
        assert " ".join(explanation.split()) in text, f"{model.__name__}.{key} not explained"
    assert "[0..1; default 0.7]" in text  # p_detect: range and default, from the schema
    assert "kind: mediation_meeting | monitoring | pressure" in text


def test_new_refuses_to_overwrite_without_force(template):
    before = template.read_text()
    template.write_text(before + "# edited\n")
    refused = invoke("new", template)
    assert refused.exit_code == 2 and "already exists" in refused.output
    assert template.read_text().endswith("# edited\n")
    assert invoke("new", template, "--force").exit_code == 0
    assert template.read_text() == render(str(template))


def test_new_in_a_missing_folder_is_a_clear_error(tmp_path):
    result = invoke("new", tmp_path / "nowhere" / "x.yaml")
    assert result.exit_code == 2 and "does not exist" in result.output


# ---- show and strategies ---------------------------------------------------------------------

def test_show_fills_in_defaults_and_says_where_each_value_comes_from(tmp_path):
    path = make_file(tmp_path, FOUR_LINES)
    result = invoke("show", path)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert "information.p_detect = 0.7  (default)" in lines
    assert "actors.a.stances.commitment = 0.5  (line 3; NO SOURCE)" in lines
    assert "actors.b.behaviour.trust_loss = 0.2  (default)" in lines
    only = invoke("show", path, "--defaults").stdout
    assert "p_detect" in only and "stances.commitment =" not in only


def test_show_names_the_source_the_file_gives():
    path = ROOT / "scenarios" / "two_party.yaml"
    out = invoke("show", path).stdout
    # east is the first actor: its capability is the file's first `capability:` line
    line = next(n for n, text in enumerate(path.read_text().splitlines(), 1)
                if text.strip() == "capability: 0.5")
    assert f"actors.east.capability = 0.5  (line {line}; source: assumption (symmetric " \
           "reference case))" in out


def test_strategies_lists_the_scenarios_and_the_standard_ones_with_costs():
    result = invoke("strategies", ROOT / "scenarios" / "syria_2016.yaml")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "monitoring (scenario, replaces the standard one)" in out
    assert "inducements (standard library)" in out and "as_happened (scenario)" in out
    assert "monitoring: from day 0; 1 point per day active (running)" in out
    assert re.search(r"mediation meeting \([\w, ]+\): from day 0, when violations_7d >= 4, "
                     r"for 1 day, 14 days apart, at most 4 times; "
                     r"5 points per activation \(one-off\)", out)
    assert "One effort point is" in out


# ---- check -----------------------------------------------------------------------------------

def test_check_reports_field_and_reference_problems_in_one_pass():
    result = invoke("check", BAD)
    assert result.exit_code == 2
    out = result.output
    assert "behaviour.trust_los: got 0.2; unknown field 'trust_los'; did you mean 'trust_loss'?" \
        in out
    assert "unknown field 'broker'; expected one of: actor, strength, trigger" in out
    assert "information.p_detect: got 1.6" in out
    # cross-references, which pydantic checks only once every field is valid
    assert "'bandits' is not a spoiler (known: none)" in out
    assert "'est' is not an actor (known: east, envoy, west)" in out


def test_check_warns_on_unsourced_numbers_and_strict_fails(tmp_path):
    path = make_file(tmp_path, FOUR_LINES)
    lenient = invoke("check", path)
    assert lenient.exit_code == 0
    assert "warning: 2 numbers name no source: actors.a.stances.commitment" in lenient.output
    strict = invoke("check", "--strict", path)
    assert strict.exit_code == 2 and "warning: 2 numbers" not in strict.output
    assert "2 numbers name no source" in strict.output


def test_check_warns_when_the_parties_have_nothing_to_fight_over(tmp_path):
    out = invoke("check", make_file(tmp_path, FOUR_LINES)).output
    assert "warning: no party gains from fighting" in out
    armed = FOUR_LINES.replace("commitment: 0.5}}", "commitment: 0.5}, incentives: "
                               "{gain_from_fighting: 0.4, cost_of_fighting: 0.1}}", 1)
    assert "no party gains" not in invoke("check", make_file(tmp_path, armed, "b.yaml")).output


def test_every_shipped_scenario_passes_strict_check_without_warnings():
    from sim.shipped import names, path_of

    files = [path_of(n) for n in names()]  # the scenarios, not the real cases' new-case inputs
    assert len(files) >= 18
    result = invoke("check", "--strict", *files)
    assert result.exit_code == 0, result.output
    assert "warning" not in result.output
