"""Bad scenario files: one test per kind of mistake. Every problem names the file, the line, the
field path (actors by id) and what was expected, and never a traceback.

Each case edits one line of ``BASE``, a minimal valid two-party scenario.
"""

from __future__ import annotations

import tracemalloc

import pytest
from typer.testing import CliRunner

from sim.cli import app
from sim.scenario import Problem, ScenarioError, load

BASE = """\
meta:
  name: Two parties
  start_date: 2020-01-01
  horizon_days: 60
actors:
  - id: north
    name: North
    kind: party
    stances: {commitment: 0.8}
  - id: south
    name: South
    kind: party
    stances: {commitment: 0.7}
"""

BROKER = """\
  - id: envoy
    name: Envoy
    kind: broker
    role: mediator
    stances: {commitment: 0.9}
"""

SPOILER = """\
  - id: raiders
    name: Raiders
    kind: spoiler
    stances: {commitment: 0.0}
    spoiler: {p_attack: 0.1}
"""


def make_file(tmp_path, text: str | bytes, name: str = "bad.yaml"):
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def edited(old: str, new: str, text: str = BASE) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


def line_of(text: str, needle: str, nth: int = 1) -> int:
    """1-based line of the ``nth`` line containing ``needle``."""
    hits = [i for i, line in enumerate(text.splitlines(), 1) if needle in line]
    return hits[nth - 1]


def problems_of(path) -> list[Problem]:
    with pytest.raises(ScenarioError) as exc:
        load(path)
    assert exc.value.problems, "a ScenarioError always carries its problems"
    assert str(exc.value) == "\n".join(str(p) for p in exc.value.problems)
    return exc.value.problems


def one_problem(tmp_path, text) -> tuple[Problem, str]:
    """The single problem of a file, and the file's name."""
    path = make_file(tmp_path, text)
    problems = problems_of(path)
    assert len(problems) == 1, [str(p) for p in problems]
    return problems[0], str(path)


def test_base_is_valid(tmp_path):
    assert load(make_file(tmp_path, BASE)).actor_ids() == ["north", "south"]


# ------------------------------------------------------------------------ fields and values
def test_unknown_key_names_its_line(tmp_path):
    text = edited("horizon_days: 60", "horizn_days: 60")
    p, file = one_problem(tmp_path, text)
    assert (p.file, p.line, p.path) == (file, 4, "meta.horizn_days")
    assert "unknown field" in p.expected
    assert str(p).startswith(f"{file}:4: meta.horizn_days:")


def test_typo_inside_an_actor_is_addressed_by_its_id(tmp_path):
    text = edited("stances: {commitment: 0.7}", "stances: {commitment: 0.7, postion: 0.1}")
    p, _ = one_problem(tmp_path, text)
    assert (p.line, p.path) == (line_of(text, "postion"), "actors.south.stances.postion")


def test_wrong_type(tmp_path):
    p, file = one_problem(tmp_path, edited("horizon_days: 60", "horizon_days: sixty"))
    assert (p.line, p.path, p.value) == (4, "meta.horizon_days", "sixty")
    assert "valid integer" in p.expected
    assert str(p) == f"{file}:4: meta.horizon_days: got 'sixty'; {p.expected}"


def test_number_out_of_bounds(tmp_path):
    text = BASE + "information:\n  p_detect: 1.5\n"
    p, _ = one_problem(tmp_path, text)
    assert (p.line, p.path, p.value) == (line_of(text, "p_detect"), "information.p_detect", 1.5)
    assert "less than or equal to 1" in p.expected


def test_missing_required_field_points_at_its_parent(tmp_path):
    p, file = one_problem(tmp_path, edited("  start_date: 2020-01-01\n", ""))
    assert (p.line, p.path, p.value) == (1, "meta.start_date", None)
    assert str(p) == f"{file}:1: meta.start_date: required field is missing"


def test_missing_commitment_of_an_actor(tmp_path):
    text = edited("stances: {commitment: 0.7}", "stances: {position: 0.1}")
    p, _ = one_problem(tmp_path, text)
    assert (p.line, p.path) == (line_of(text, "position"), "actors.south.stances.commitment")
    assert p.expected == "required field is missing"


def test_spoiler_without_its_block(tmp_path):
    text = BASE + edited("    spoiler: {p_attack: 0.1}\n", "", SPOILER)
    p, _ = one_problem(tmp_path, text)
    assert (p.line, p.path) == (line_of(text, "id: raiders"), "actors.raiders")
    assert "needs a 'spoiler:' block" in p.expected


def test_broker_without_a_role(tmp_path):
    p, _ = one_problem(tmp_path, BASE + edited("    role: mediator\n", "", BROKER))
    assert p.path == "actors.envoy" and "needs a role" in p.expected


@pytest.mark.parametrize("value, shown", [(".nan", "nan"), (".inf", "inf"), ("-.inf", "-inf")])
def test_nan_and_infinite_numbers_are_refused(tmp_path, value, shown):
    text = edited("{commitment: 0.8}", f"{{commitment: {value}}}")
    p, file = one_problem(tmp_path, text)
    assert (p.line, p.path) == (9, "actors.north.stances.commitment")
    assert str(p) == f"{file}:9: actors.north.stances.commitment: got {shown}; " \
                     "Input should be a finite number"


def test_infinite_spoiler_provocation_is_refused(tmp_path):
    text = BASE + edited("{p_attack: 0.1}", "{p_attack: 0.1, provocation: .inf}", SPOILER)
    p, _ = one_problem(tmp_path, text)
    assert p.path == "actors.raiders.spoiler.provocation"
    assert "finite" in p.expected


# ------------------------------------------------------------------------- cross-references
def test_leverage_over_an_unknown_actor(tmp_path):
    text = BASE + BROKER + "    relations: {leverage: {ghost: 0.3}}\n"
    p, _ = one_problem(tmp_path, text)
    assert (p.line, p.path, p.value) == (
        line_of(text, "ghost"), "actors.envoy.relations.leverage.ghost", "ghost")
    assert p.expected == "'ghost' is not a party (known: north, south)"


def test_leverage_over_a_non_party(tmp_path):
    text = BASE + SPOILER + BROKER + "    relations: {leverage: {raiders: 0.3}}\n"
    p, _ = one_problem(tmp_path, text)
    assert p.path == "actors.envoy.relations.leverage.raiders"
    assert p.expected == "'raiders' is not a party (known: north, south)"


def test_spoiler_tie_to_a_party(tmp_path):
    text = edited("stances: {commitment: 0.8}",
                  "stances: {commitment: 0.8}\n    relations: {spoiler_ties: {south: 0.5}}")
    p, _ = one_problem(tmp_path, text)
    assert (p.line, p.path) == (line_of(text, "spoiler_ties"),
                                "actors.north.relations.spoiler_ties.south")
    assert p.expected == "'south' is not a spoiler (known: none)"


def test_only_parties_have_spoiler_ties(tmp_path):
    text = BASE + SPOILER + BROKER + "    relations: {spoiler_ties: {raiders: 0.5}}\n"
    p, _ = one_problem(tmp_path, text)
    assert p.path == "actors.envoy.relations.spoiler_ties"
    assert p.expected == "only parties have ties to spoilers"


def test_a_party_cannot_be_a_patron(tmp_path):
    text = edited("stances: {commitment: 0.8}",
                  "stances: {commitment: 0.8}\n    relations: {clients: [south]}")
    p, _ = one_problem(tmp_path, text)
    assert p.path == "actors.north.relations.clients"
    assert p.expected == "only brokers can be patrons of parties"


def make_patron(pid: str, clients: str) -> str:
    return (f"  - id: {pid}\n    name: {pid.title()}\n    kind: broker\n    role: patron\n"
            f"    stances: {{commitment: 0.5}}\n    relations: {{clients: [{clients}]}}\n")


def test_a_patron_may_back_another_patron(tmp_path):
    text = BASE + make_patron("east", "west") + make_patron("west", "north")
    assert load(make_file(tmp_path, text)).actor_ids() == ["north", "south", "east", "west"]


def test_patron_cycle(tmp_path):
    text = BASE + make_patron("east", "west") + make_patron("west", "east")
    p, _ = one_problem(tmp_path, text)
    assert (p.line, p.path, p.value) == (line_of(text, "clients: [west]"),
                                         "actors.east.relations.clients", "east")
    assert p.expected == "patron cycle: 'east' is, through its clients, its own patron"


def test_a_patron_of_itself(tmp_path):
    p, _ = one_problem(tmp_path, BASE + make_patron("east", "east"))
    assert p.expected == "patron cycle: 'east' is, through its clients, its own patron"


def test_a_spoiler_cannot_be_a_client(tmp_path):
    p, _ = one_problem(tmp_path, BASE + SPOILER + make_patron("east", "raiders"))
    assert p.path == "actors.east.relations.clients.0"
    assert p.expected.startswith("'raiders' is not a party or a broker")


def test_duplicate_actor_id_points_at_the_second(tmp_path):
    text = edited("id: south", "id: north")
    p, _ = one_problem(tmp_path, text)
    assert (p.line, p.path, p.value) == (line_of(text, "id: north", nth=2), "actors.north.id",
                                         "north")
    assert p.expected == "duplicate actor id 'north'"


def test_event_of_a_missing_actor(tmp_path):
    text = BASE + "events:\n  - {day: 5, actor: ghost, action: violate}\n"
    p, _ = one_problem(tmp_path, text)
    assert (p.line, p.path, p.value) == (line_of(text, "ghost"), "events.0.actor", "ghost")
    assert p.expected == "'ghost' is not an actor (known: north, south)"


def test_event_beyond_the_horizon(tmp_path):
    text = BASE + "events:\n  - {day: 60, actor: north, action: violate}\n"
    p, _ = one_problem(tmp_path, text)
    assert (p.line, p.path, p.value) == (line_of(text, "day: 60"), "events.0.day", 60)
    assert "before horizon_days" in p.expected


def test_attack_event_needs_a_spoiler(tmp_path):
    p, _ = one_problem(tmp_path, BASE + "events:\n  - {day: 1, actor: north, action: attack}\n")
    assert p.expected == "'attack' needs a spoiler (known: none)"


def test_all_problems_are_reported_together(tmp_path):
    text = BASE + "events:\n  - {day: 5, actor: ghost, action: violate}\n" \
                  "  - {day: 99, actor: north, action: violate}\n"
    problems = problems_of(make_file(tmp_path, text))
    assert [p.path for p in problems] == ["events.0.actor", "events.1.day"]


# ------------------------------------------------------------------------------ the file
def test_duplicate_yaml_key(tmp_path):
    text = edited("  horizon_days: 60\n", "  horizon_days: 60\n  name: Again\n")
    p, file = one_problem(tmp_path, text)
    assert p.line == line_of(text, "name: Again")
    assert "duplicate key" in p.expected
    assert str(p).startswith(f"{file}:{p.line}: YAML error")


def test_empty_file(tmp_path):
    p, file = one_problem(tmp_path, "")
    assert str(p) == f"{file}:1: expected a mapping with meta: and actors:, found an empty file"


@pytest.mark.parametrize("text, found", [("- a\n- b\n", "a list"), ("hello\n", "a str")])
def test_not_a_mapping(tmp_path, text, found):
    p, _ = one_problem(tmp_path, text)
    assert p.line == 1 and p.expected.endswith(f"found {found}")


def test_invalid_yaml_syntax_names_the_line(tmp_path):
    text = edited("    name: South", "    name: South: Pole")
    p, file = one_problem(tmp_path, text)
    assert p.line == line_of(text, "South: Pole")
    assert str(p) == f"{file}:{p.line}: YAML error: mapping values are not allowed here"


def test_non_utf8_bytes_name_the_line(tmp_path):
    data = BASE.encode().replace(b"North", b"N\xf6rth", 1)
    p, file = one_problem(tmp_path, data)
    assert str(p).startswith(f"{file}:{p.line}: ")
    assert p.line == line_of(BASE, "name: North")
    assert "not valid UTF-8" in p.expected


def test_missing_file(tmp_path):
    p = problems_of(tmp_path / "nowhere.yaml")[0]
    assert p.line is None and "cannot read file" in p.expected
    assert str(p).startswith(str(tmp_path / "nowhere.yaml") + ": ")


def test_python_tags_never_run_code(tmp_path):
    marker = tmp_path / "pwned"
    text = edited("name: North", f'name: !!python/object/apply:os.system ["touch {marker}"]')
    problems_of(make_file(tmp_path, text))
    assert not marker.exists()


def test_python_tag_on_a_scalar_is_refused(tmp_path):
    p, file = one_problem(tmp_path, edited("name: North", "name: !!python/name:os.system"))
    assert "python/name:os.system is not allowed" in p.expected
    assert str(p).startswith(file)


def test_python_tag_on_a_mapping_is_refused(tmp_path):
    text = edited("stances: {commitment: 0.8}",
                  "stances: !!python/object:sim.schema.Stances {commitment: 0.8}")
    p, _ = one_problem(tmp_path, text)
    assert "not allowed" in p.expected


def test_python_tag_on_a_scalar_names_line_and_field(tmp_path):
    text = edited("name: North", "name: !!python/name:os.system")
    p, _ = one_problem(tmp_path, text)
    assert (p.line, p.path) == (line_of(text, "python/name"), "actors.north.name")


def test_alias_bomb_fails_fast(tmp_path):
    levels = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for prev, name in zip("abcdefgh", "bcdefghi"):
        levels.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 9) + "]")
    tracemalloc.start()
    try:
        p, _ = one_problem(tmp_path, BASE + "\n".join(levels) + "\n")  # 9**9 values if expanded
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    # expanded, 9**9 = 387,420,489 list entries would take 8 bytes each, ~3 GB: refused before
    # expanding, reading the file costs well under 20 MB
    assert peak < 20 << 20, peak
    assert "values after expanding YAML aliases" in p.expected


# ---------------------------------------------------------------------------------- the CLI
def test_unknown_strategy_via_the_cli(tmp_path):
    path = make_file(tmp_path, BASE)
    result = CliRunner().invoke(app, ["run", str(path), "--worlds", "5", "--strategy", "nope"])
    assert result.exit_code == 2
    assert f"{path}: strategies: no strategy 'nope'; expected one of: baseline" in result.stderr


def test_problem_without_a_line_shows_the_file_only():
    assert str(Problem("f.yaml", None, "", None, "broken")) == "f.yaml: broken"
