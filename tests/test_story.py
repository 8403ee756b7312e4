"""The event log (sim.events) and the story told from it (sim.story, `trucesim story`)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

import sim
from sim.cli import app
from sim.events import Event, What
from sim.model import TruceModel
from sim.results import world_table
from sim.story import Narrator, narrate, tell
from sim.story_digest import Digest, final_escalation
from tests.factories import make_party, make_scenario, make_spoiler
from tests.golden.regenerate import STORIES, story_path

ROOT = Path(__file__).resolve().parents[1]
SYRIA = ROOT / "scenarios" / "syria_2016.yaml"
PERFECT_SIGHT = {"p_detect": 1.0, "p_false_alarm": 0.0, "noise": 0.0}


def make_violator_scenario(horizon: int = 30):
    """North always violates, south always complies; every violation is seen."""
    return make_scenario(make_party("north", policy="always_violate"),
                         make_party("south", policy="always_comply"),
                         horizon=horizon, information=PERFECT_SIGHT)


def make_misattribution_scenario(horizon: int = 5):
    """A spoiler attacks south every day; south always blames north, fully tied to it."""
    raiders = make_spoiler("raiders", p_attack=1.0, provocation=0.0, targets=["south"])
    raiders["capability"] = 1.0
    return make_scenario(
        make_party("north", policy="always_comply", relations={"spoiler_ties": {"raiders": 1.0}}),
        make_party("south", policy="always_comply"), raiders,
        horizon=horizon, information=PERFECT_SIGHT | {"p_misattribution": 1.0})


def logged(scn, worlds: int = 1, log: list[int] | None = None, **kw) -> TruceModel:
    return TruceModel(scn, worlds, log_worlds=[0] if log is None else log, **kw).run()


# ---------------------------------------------------------------- the log, case by case
def test_an_unprovoked_violator_is_logged_as_choosing_and_the_truce_collapses_on_schedule():
    events = logged(make_violator_scenario()).event_log.events
    violations = [e for e in events if e.what is What.VIOLATION]
    assert [(e.day, e.actor, e.why) for e in violations] == [(d, "north", "choice")
                                                             for d in range(30)]
    seen = [e for e in events if e.what is What.PERCEIVED]
    assert {(e.actor, e.target, e.why) for e in seen} == {("south", "north", "seen")}
    status = [(e.day, e.detail, e.actor) for e in events if e.what is What.STATUS]
    # trouble at 4 violations in 7 days (day 3); collapse at 10 violent days in 14 (day 9)
    assert status == [(3, "in_trouble", ""), (9, "collapsed", "north")]


def test_a_blamed_attack_is_logged_with_victim_culprit_and_spoiler():
    events = logged(make_misattribution_scenario()).event_log.events
    attacks = [(e.day, e.actor, e.target) for e in events if e.what is What.ATTACK]
    assert attacks == [(d, "raiders", "south") for d in range(5)]
    blamed = [e for e in events if e.what is What.PERCEIVED]
    assert [(e.day, e.actor, e.target, e.why, e.detail) for e in blamed] == [
        (d, "south", "north", "misattributed", "raiders") for d in range(5)]
    # what south believed: trust in north falls by trust_loss (0.2 of it) per blamed attack
    trust = [e.trust for e in blamed]
    assert trust == pytest.approx([0.5 * 0.8 ** (d + 1) for d in range(5)])


def test_a_retaliation_names_who_provoked_it():
    scn = make_scenario(make_party("north", policy="always_violate"),
                        make_party("south", policy="tit_for_tat"),
                        horizon=3, information=PERFECT_SIGHT)
    events = logged(scn).event_log.events
    south = [(e.day, e.why, e.target) for e in events
             if e.what is What.VIOLATION and e.actor == "south"]
    assert south == [(1, "retaliation", "north"), (2, "retaliation", "north")]


def test_logging_changes_no_result():
    scn = sim.load(SYRIA)
    plain = TruceModel(scn, 8, 3, "monitoring", days=120).run()
    with_log = TruceModel(scn, 8, 3, "monitoring", days=120, log_worlds=[1, 6]).run()
    a, b = (world_table(m, 0, 3, "h", "monitoring") for m in (plain, with_log))
    assert a.equals(b)
    assert plain.event_log is None and with_log.event_log.events


def test_a_worlds_log_does_not_depend_on_the_batch_it_runs_in():
    scn = sim.load(SYRIA)
    batch = TruceModel(scn, 6, 11, "baseline", days=150, log_worlds=[4]).run()
    alone = TruceModel(scn, 1, 11, "baseline", first_world=4, days=150, log_worlds=[0]).run()
    assert batch.event_log.of_world(4) == alone.event_log.of_world(4)
    assert alone.event_log.of_world(4)


# ---------------------------------------------------------------- the story
def test_quiet_days_are_folded_and_the_story_ends_at_the_collapse():
    scn = make_violator_scenario()
    lines = narrate(logged(scn).event_log.events, scn, 30)
    assert lines[0].startswith("Day 0 (1 Jan 2020): North breaks the truce")
    assert "the truce is in trouble (4 violations in the last 7 days)" in lines[3]
    assert "THE TRUCE COLLAPSES under sustained violence, in an escalation opened by North" \
        in lines[9]
    assert lines[-1] == "The truce held 0 days."  # the fighting began on day 0 (confirmed day 9)
    quiet = make_scenario(make_party("north", policy="always_comply"),
                          make_party("south", policy="always_comply"),
                          horizon=20, information=PERFECT_SIGHT)
    assert narrate(logged(quiet).event_log.events, quiet, 20) == [
        "Days 0–19: quiet.", "After 20 days the truce still holds."]


def test_the_story_tells_who_was_blamed_for_whose_attack():
    scn = make_misattribution_scenario()
    lines = narrate(logged(scn).event_log.events, scn, 5)
    assert lines[0] == ("Day 0 (1 Jan 2020): Raiders attacks South; "
                        "South blames North for the attack by Raiders.")


@pytest.mark.parametrize("scenario,strategy,seed,world", STORIES)
def test_golden_story(scenario, strategy, seed, world):
    """`make golden` rewrites these files; review the diff."""
    told = tell(sim.load(ROOT / "scenarios" / scenario), strategy, seed, world)
    assert told.text == story_path(scenario, strategy, seed, world).read_text()


# ---------------------------------------------------------------- the summary and the folds
def digest_of(scn, events, horizon) -> Digest:
    return Digest(Narrator(scn, brief=True), events, horizon)


def test_the_summary_comes_first_and_daily_violations_fold_into_one_line():
    scn = make_violator_scenario()
    d = digest_of(scn, logged(scn).event_log.events, 30)
    assert d.summary()[0] == ("Held: 0 of 30 days; the fighting that ended the truce began on "
                              "day 0 (1 Jan 2020), and the collapse was confirmed on day 9 "
                              "(10 Jan 2020).")
    assert "The model names North as the cause because it opened the last escalation, on day 0"\
        in d.summary()[1]
    assert d.summary()[2] == ("Turning points: day 0: first violence (North), the last "
                              "escalation begins (North); day 3: the truce in trouble; "
                              "day 5: South walks out of the talks; day 9: the truce collapses.")
    days = d.days()
    # turning days (0, 3, 5, 9) in full; the ordinary days between them folded (day 4 alone
    # is a day of its own, not a fold)
    assert [line.split(":")[0] for line in days[:-1]] == [
        "Day 0 (1 Jan 2020)", "Days 1–2 (2–3 Jan 2020)", "Day 3 (4 Jan 2020)",
        "Day 4 (5 Jan 2020)", "Day 5 (6 Jan 2020)", "Days 6–8 (7–9 Jan 2020)",
        "Day 9 (10 Jan 2020)"]
    assert days[1].endswith("North breaks the truce twice.")
    assert days[5].endswith("North breaks the truce daily.")
    assert "South walks out of the talks after 6 hostile acts in a week" in days[4]
    assert days[-1] == "The truce held 0 days."


def make_spoiler_opened_collapse():
    """A hand-made log: raiders attack south on day 0; north and south then violate every day
    from day 1; the truce collapses on day 25, put down to raiders (it opened the escalation)."""
    scn = make_misattribution_scenario(horizon=40)
    events = [Event(0, 0, What.ATTACK, "raiders", "south")]
    for day in range(1, 26):
        events += [Event(day, 0, What.VIOLATION, "north", why="choice", commitment=0.5),
                   Event(day, 0, What.VIOLATION, "south", "north", why="retaliation",
                         trust=0.2, commitment=0.5)]
    events.append(Event(25, 0, What.STATUS, "raiders", detail="collapsed",
                        why="sustained_violence"))
    return scn, events


def test_a_collapse_put_down_to_a_long_silent_spoiler_is_explained():
    scn, events = make_spoiler_opened_collapse()
    assert final_escalation(events, scn, 25).opener == "raiders"
    ending = digest_of(scn, events, 40).summary()[1]
    assert ending.startswith("What ended it: sustained violence (10 days with violations "
                             "within 14). The model names Raiders as the cause because it "
                             "opened the last escalation, on day 0 (1 Jan 2020)")
    assert ("In the 26 days from then to the collapse, Raiders attacked on 1 day, North broke "
            "the truce on 25 days, South broke the truce on 25 days." in ending)
    assert "Raiders's own last act was on day 0, 25 days before the collapse" in ending


def test_a_quiet_spell_of_quiet_days_reset_days_starts_a_new_escalation():
    scn, events = make_spoiler_opened_collapse()  # incidents on days 0-25
    assert scn.truce.quiet_days_reset == 7
    six_quiet = [Event(32, 0, What.VIOLATION, "south", why="choice")]  # days 26-31 quiet
    esc = final_escalation(events + six_quiet, scn, 32)
    assert (esc.first_day, esc.opener, esc.acts["south"]) == (0, "raiders", 26)
    seven_quiet = [Event(33, 0, What.VIOLATION, "south", why="choice")]  # days 26-32 quiet
    esc = final_escalation(events + seven_quiet, scn, 33)
    assert (esc.first_day, esc.opener, esc.acts) == (33, "south", {"south": 1})


# Worlds per batch: enough for at least 5 collapses. Lakeland's baseline collapses in ~8% of
# worlds (160 of 2,000 at seed 5), so 160 worlds expect 12.8 (sd 3.4) and fewer than 5 has
# binomial probability ~0.3%; Syria's collapse in most worlds, so 32 are plenty.
@pytest.mark.parametrize("scenario,strategy,n", [("syria_2016.yaml", "baseline", 32),
                                                 ("syria_2016.yaml", "monitoring", 32),
                                                 ("lakeland_teaching.yaml", "baseline", 160)])
def test_the_story_names_the_same_cause_as_the_results(scenario, strategy, n):
    """Every collapsed world of a batch: the escalation the story finds in the log was opened
    by the actor in the ``collapse_cause`` column, and the summary names it."""
    scn = sim.load(ROOT / "scenarios" / scenario)
    model = TruceModel(scn, n, 5, strategy, log_worlds=list(range(n))).run()
    table = world_table(model, 0, 5, "h", strategy)
    checked = 0
    for w, row in table.iterrows():
        if row["day_collapse"] < 0:
            continue
        events = model.event_log.of_world(w)
        d = digest_of(scn, events, model.params.horizon)
        named = Narrator(scn).names[row["collapse_cause"]]
        said = d.summary()[1]
        assert (f"The model names {named}" in said or f"{named} withdrew" in said
                or f"a major offensive by {named}" in said), (w, d.summary())
        if row["collapse_mode"] == "sustained_violence":
            esc = final_escalation(events, scn, int(row["day_collapse"]))
            assert esc.opener == row["collapse_cause"], w
            checked += 1
    assert checked >= 5  # enough collapses for the check to mean something


def test_same_seed_same_story_other_seed_other_story():
    scn = sim.load(SYRIA)
    a, b, c = (tell(scn, "baseline", s, 0, days=200).text for s in (5, 5, 6))
    assert a == b and a != c


# ---------------------------------------------------------------- the command
def trucesim(*args):
    """The command, in process (the CLI's own tests cover the installed script)."""
    return CliRunner().invoke(app, [str(a) for a in args], env={"COLUMNS": "200"})


def test_story_command_prints_the_story_and_its_log():
    text = trucesim("story", SYRIA, "--seed", 1, "--days", 120)
    assert text.exit_code == 0, text.output
    told = tell(sim.load(SYRIA), "baseline", 1, 0, days=120)
    assert text.stdout == told.text and text.stdout.splitlines()[2].startswith("Held: ")
    full = trucesim("story", SYRIA, "--seed", 1, "--days", 120, "--full")
    assert full.stdout == told.full_text
    assert told.full_lines == narrate(told.events, sim.load(SYRIA), 120)
    assert len(text.stdout.split()) < len(full.stdout.split())
    as_json = trucesim("story", SYRIA, "--seed", 1, "--days", 120, "--format", "json")
    log = json.loads(as_json.stdout)
    assert {e["what"] for e in log["events"]} >= {"attack", "violation", "perceived"}
    assert np.all(np.diff([e["day"] for e in log["events"]]) >= 0)


def test_story_command_rejects_bad_input_with_exit_2():
    bad = trucesim("story", SYRIA, "--strategy", "prayer")
    assert bad.exit_code == 2
    assert "no strategy 'prayer'" in bad.stderr and "Traceback" not in bad.stderr
    typo = trucesim("story", SYRIA, "--set", "information.p_detct=0.5")
    assert typo.exit_code == 2 and "p_detct" in typo.stderr
