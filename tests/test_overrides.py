"""``--set PATH=VALUE``: dotted paths (actors by id or index), YAML scalar values, and the same
validation messages as the file itself."""

from __future__ import annotations

import pytest

from sim.overrides import apply_overrides, parse_override, set_path
from sim.scenario import ScenarioError, load
from tests.factories import (
    make_broker,
    make_party,
    make_scenario_data,
    make_spoiler,
    write_scenario,
)


def make_file(tmp_path, **sections):
    data = make_scenario_data(
        make_party("north"), make_party("south", 0.7),
        make_broker("envoy", leverage={"north": 0.3}),
        make_spoiler("raiders"),
        information={"p_detect": 0.7}, **sections)
    return write_scenario(tmp_path, data)


def override_problems(path, *overrides):
    with pytest.raises(ScenarioError) as exc:
        load(path, list(overrides))
    return exc.value.problems


def test_actor_by_id(tmp_path):
    scn = load(make_file(tmp_path), ["actors.south.stances.commitment=0.2"])
    assert scn.actors[1].stances.commitment == 0.2


def test_actor_by_index(tmp_path):
    scn = load(make_file(tmp_path), ["actors.1.stances.commitment=0.2"])
    assert scn.actors[1].stances.commitment == 0.2


def test_nested_dict_keys(tmp_path):
    scn = load(make_file(tmp_path), ["actors.envoy.relations.leverage.north=0.4",
                                     "actors.envoy.relations.leverage.south=0.1"])
    assert scn.actors[2].relations.leverage == {"north": 0.4, "south": 0.1}


def test_new_optional_leaf(tmp_path):
    scn = load(make_file(tmp_path), ["information.noise=0.05", "meta.description=Dry run"])
    assert scn.information.noise == 0.05
    assert scn.information.p_detect == 0.7
    assert scn.meta.description == "Dry run"


def test_list_value(tmp_path):
    scn = load(make_file(tmp_path), ["actors.raiders.spoiler.targets=[north, south]"])
    assert scn.actors[3].spoiler.targets == ["north", "south"]


def test_later_overrides_win(tmp_path):
    scn = load(make_file(tmp_path), ["information.p_detect=0.1", "information.p_detect=0.9"])
    assert scn.information.p_detect == 0.9


def test_unknown_segment_is_named(tmp_path):
    path = make_file(tmp_path)
    [p] = override_problems(path, "actors.ghost.stances.commitment=0.2")
    assert (p.file, p.line, p.path) == ("--set", None, "actors.ghost.stances.commitment")
    assert p.expected == f"no field 'ghost' on this path in {path}"
    assert str(p) == f"--set: actors.ghost.stances.commitment: no field 'ghost' on this path " \
                     f"in {path}"


def test_path_through_a_number_is_unknown(tmp_path):
    [p] = override_problems(make_file(tmp_path), "information.p_detect.low=0.2")
    assert p.expected.startswith("no field 'low'")


def test_every_unknown_path_is_reported(tmp_path):
    problems = override_problems(make_file(tmp_path), "metta.name=x", "actors.9.id=x")
    assert [p.path for p in problems] == ["metta.name", "actors.9.id"]


def test_bad_value_gets_the_same_message_as_in_the_file(tmp_path):
    [by_set] = override_problems(make_file(tmp_path), "actors.north.stances.commitment=1.5")
    bad = make_scenario_data(make_party("north", 1.5), make_party("south", 0.7),
                             make_broker("envoy", leverage={"north": 0.3}),
                             make_spoiler("raiders"), information={"p_detect": 0.7})
    [in_file] = override_problems(write_scenario(tmp_path, bad, "bad.yaml"))
    assert (by_set.path, by_set.value, by_set.expected) == \
           (in_file.path, in_file.value, in_file.expected)
    assert by_set.line == in_file.line  # the line of the overridden field in the file
    assert by_set.expected == "Input should be less than or equal to 1"


def test_override_can_introduce_a_reference_problem(tmp_path):
    [p] = override_problems(make_file(tmp_path), "actors.envoy.relations.leverage.ghost=0.1")
    assert p.path == "actors.envoy.relations.leverage.ghost"
    assert p.expected.startswith("'ghost' is not a party")


@pytest.mark.parametrize("text, value", [
    ("x=0.3", 0.3), ("x=3", 3), ("x=true", True), ("x=[a, b]", ["a", "b"]),
    ("x={a: 1}", {"a": 1}), ("x=", None), ("x=a=b", "a=b"), ("x= two words ", "two words"),
])
def test_values_are_yaml_scalars(text, value):
    path, parsed = parse_override(text, "f.yaml")
    assert path == "x"
    assert parsed == value
    assert isinstance(parsed, type(value))  # 3 stays an int, true a bool


def test_missing_equals_sign():
    with pytest.raises(ScenarioError) as exc:
        parse_override("information.p_detect", "f.yaml")
    assert "expected PATH=VALUE" in str(exc.value)


def test_empty_segment():
    with pytest.raises(ScenarioError) as exc:
        parse_override("information..p_detect=0.3", "f.yaml")
    assert str(exc.value) == "--set: information..p_detect: empty segment in the path"


def test_bad_yaml_value():
    with pytest.raises(ScenarioError) as exc:
        parse_override("x=[a", "f.yaml")
    assert str(exc.value).startswith("--set x")
    assert "YAML error" in str(exc.value)


def test_python_tag_in_a_value_is_refused():
    with pytest.raises(ScenarioError, match="not allowed"):
        parse_override("meta.name=!!python/name:os.system", "f.yaml")


def test_set_path_leaves_its_input_alone():
    data = {"a": {"b": 1}, "items": [{"id": "x", "v": 1}]}
    out = set_path(data, "items.x.v", 2)
    assert out["items"][0]["v"] == 2
    assert data == {"a": {"b": 1}, "items": [{"id": "x", "v": 1}]}


def test_apply_overrides_in_turn():
    data = apply_overrides({"a": {"b": 1}}, ["a.b=2", "a.c=[1, 2]"], "f.yaml")
    assert data == {"a": {"b": 2, "c": [1, 2]}}


def test_a_section_left_to_its_defaults_can_be_overridden(tmp_path):
    path = write_scenario(tmp_path, make_scenario_data())  # no information: block
    assert load(path, ["information.p_detect=0.9"]).information.p_detect == 0.9
