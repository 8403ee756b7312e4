"""Every parameter set in one block of worlds (sim.ensemble_block): world for world, each set
as it plays alone, under interventions whose numbers differ between the sets."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sim import priors
from sim.ensemble import Block, firsts, run_blocks, scenarios_of
from sim.ensemble_block import NotMergeable, OneBlock, per_world
from sim.ensemble_compare import compare_ensemble
from sim.model import TruceModel
from tests.factories import make_fragile_scenario

S = "strategies.mix.interventions"
MIX = {"interventions": [  # every kind, each with numbers the sets below vary
    {"kind": "monitoring", "p_verify": 0.8, "trigger": {"from_day": 5}},
    {"kind": "mediation_meeting", "boost": 0.3, "fade": 0.1,
     "trigger": {"when": "violations_7d", "threshold": 2, "cooldown_days": 3}},
    {"kind": "pressure", "strength": 0.5, "duration_days": 10,
     "trigger": {"when": "violations_7d", "threshold": 1}},
    {"kind": "inducements", "amount": 0.1, "spoilers": ["raiders"]},
    {"kind": "separation", "rate": 0.05, "cost_to_party": 0.05},
    {"kind": "action_against_spoilers", "rate": 0.02, "p_collateral": 0.1},
    {"kind": "political_push", "talks_multiplier": 2.0, "trigger": {"from_day": 10}},
    {"kind": "leader_diplomacy", "boost": 0.5, "trigger": {"when": "walkout"}},
]}


def make_sets() -> pd.DataFrame:
    """Four sets far apart in the model's and the interventions' numbers: a set's worlds run
    under another set's numbers would play otherwise."""
    return pd.DataFrame({
        "actors.north.incentives.gain_from_fighting": [0.2, 0.5, 0.35, 0.45],
        "actors.raiders.spoiler.p_attack": [0.05, 0.4, 0.2, 0.3],
        "information.p_verify": [0.1, 0.6, 0.3, 0.9],
        f"{S}.0.p_verify": [0.95, 0.5, 0.7, 0.6],
        f"{S}.0.trigger.from_day": [0, 20, 5, 10],
        f"{S}.1.boost": [0.1, 0.9, 0.5, 0.3],
        f"{S}.1.trigger.threshold": [1.0, 4.0, 2.0, 3.0],
        f"{S}.2.strength": [0.1, 0.9, 0.4, 0.6],
        f"{S}.2.duration_days": [3, 20, 7, 12],
        f"{S}.3.amount": [0.0, 0.3, 0.1, 0.2],
        f"{S}.4.rate": [0.01, 0.3, 0.1, 0.05],
        f"{S}.5.p_collateral": [0.0, 0.5, 0.2, 0.3],
        f"{S}.6.talks_multiplier": [1.0, 4.0, 2.0, 3.0],
        f"{S}.7.boost": [0.1, 2.0, 0.5, 1.0],
    })


@pytest.mark.parametrize("strategy", ["baseline", "mix"])
def test_one_block_is_each_set_run_alone_world_for_world(strategy):
    base = make_fragile_scenario(horizon=50, mix=MIX)
    sets = make_sets()
    scns, sizes, seed = scenarios_of(base, sets), [9, 14, 1, 11], 4
    first = firsts(sizes)
    blocks = run_blocks(scns, sizes, seed, strategy, first=first)
    assert blocks[0].one is not None and all(b.one is blocks[0].one for b in blocks)
    for k, scn in enumerate(scns):  # set k alone: a model of its worlds, from its first index
        model = TruceModel(scn, sizes[k], seed, strategy, first_world=first[k]).run()
        for name, mine, alone in zip(model.state._fields, blocks[k].state, model.state):
            np.testing.assert_array_equal(mine, alone, err_msg=f"set {k}: {name}")
        for name in ("cost", "cost_one_off"):
            np.testing.assert_array_equal(getattr(blocks[k].engine, name),
                                          getattr(model.engine, name))
        np.testing.assert_array_equal(blocks[k].engine.activations.uses,
                                      model.engine.activations.uses)
    # the sets play differently, so a set's worlds run under another's numbers would show
    one = blocks[0].one
    violations = pd.Series(one.state.n_violations.sum(axis=1)).groupby(one.set_of_world).sum()
    assert violations.nunique() == len(sets)


def test_intervention_numbers_that_differ_become_per_world_arrays():
    assert per_world([0.5, 0.5], [2, 3]) == 0.5
    assert per_world([0.5, 0.7], [2, 1]).tolist() == [0.5, 0.5, 0.7]
    assert per_world([np.eye(2), 2 * np.eye(2)], [1, 2]).shape == (3, 2, 2)
    with pytest.raises(NotMergeable):
        per_world([None, 3], [1, 1])  # a duration set in one set, open in another


def test_sets_that_cannot_share_a_block_run_a_block_each_and_stay_paired():
    from sim.scenario import validate
    from tests.test_ensemble_compare import make_scenario_data_with_strategies

    scn = validate(make_scenario_data_with_strategies(), "<test>")
    # the collapse window sizes a state array: sets with other windows need blocks of their own
    sets = pd.DataFrame({"truce.collapse_window_days": [10, 14]})
    scns = scenarios_of(scn, sets)
    with pytest.raises(NotMergeable):
        OneBlock([Block(x, "baseline", 0, 3 * k, 3, None, 1) for k, x in enumerate(scns)])
    assert run_blocks(scns, [3, 3])[0].one is None
    post = sets.assign(weight=0.5)
    cmp = compare_ensemble(scn, post, ["baseline", "again"], sets=4, worlds=10, seed=2)
    assert (cmp.per_set[cmp.per_set["strategy"] == "again"]["rmst_gain"] == 0).all()


def test_syria_sets_from_its_priors_in_one_block_as_in_a_block_each():
    from sim.scenario import load

    base = load("syria_2016")
    sets = priors.draw(base, 3, np.random.default_rng(5))
    scns, sizes = scenarios_of(base, sets), [4, 6, 5]
    for strategy in ("monitoring", "pressure"):  # priors on their effect sizes
        one = run_blocks(scns, sizes, 2, strategy, days=60)
        apart = run_blocks(scns, sizes, 2, strategy, days=60, merge=False)
        assert one[0].one is not None and apart[0].one is None
        for a, b in zip(one, apart):
            for mine, theirs in zip(a.state, b.state):
                np.testing.assert_array_equal(mine, theirs)
            np.testing.assert_array_equal(a.series, b.series)


def test_pick_takes_every_field_of_its_set_out_of_the_stack():
    # pick lists Fixed's fields by hand (no generated code in sim/); a field added to Fixed
    # and not to pick, or two fields swapped, fails here
    from sim.kernel_sets import pick, stack
    from sim.params import Fixed, compile_params

    scn = make_fragile_scenario()
    fixeds = [compile_params(s, "baseline", 30).fixed()
              for s in scenarios_of(scn, make_sets().iloc[:2, :3])]  # the model's numbers
    picked = pick(stack(fixeds), 1)
    assert type(picked)._fields == Fixed._fields
    for name in Fixed._fields:
        np.testing.assert_array_equal(getattr(picked, name), getattr(fixeds[1], name),
                                      err_msg=name)
    assert not np.array_equal(picked.p_attack, fixeds[0].p_attack)  # the sets do differ
