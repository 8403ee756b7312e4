"""Building a case's files from its features: scenario, record targets and a record skeleton.

``build_scenario`` applies the rules of :mod:`sim.codebook_rules` and names a source for every
number (the feature's own source, or the shared-parameter assumption); ``build_targets`` writes
what the record says happened, in the form the out-of-sample validation will score;
``record_skeleton`` starts a dated record for a case that has none yet. docs/codebook.md.
"""

from __future__ import annotations

import io
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap

from sim import codebook_rules as R
from sim.codebook import BrokerRole, Ending, Features, Mission

SURVIVAL_DAYS = (7, 30, 90, 365)
SHARED = f"assumption (shared by all cases until joint calibration; {R.RULES}#shared)"


def _actors(f: Features) -> list[dict[str, Any]]:
    ties = R.ties_by_party(f)
    parties = {p.id: p for p in f.parties}
    groups = bool(f.excluded_groups)
    return ([R.party_actor(p, ties[p.id]) for p in f.parties]
            + [_with_interests(R.broker_actor(b, parties), R.interests(b, groups))
               for b in f.brokers]
            + [R.group_actor(g) for g in f.excluded_groups])


def _with_interests(actor: dict[str, Any], interests: dict[str, Any] | None) -> dict[str, Any]:
    return actor if interests is None else {**actor, "interests": interests}


def _late_mission(f: Features) -> list[dict[str, Any]]:
    """A mission that began after day 0 is an intervention from its first day."""
    m = f.monitoring
    if m.mission is Mission.NONE or m.from_day == 0:
        return []
    info = R.information(m.mission, m.mandate, len(f.outside_offensives))
    return [{"kind": "monitoring", "p_verify": info["p_verify"],
             "p_misattribution": info["p_misattribution"],
             "p_false_alarm": info["p_false_alarm"], "trigger": {"from_day": m.from_day},
             "note": f"{m.name or 'the monitoring mission'} begins work (day {m.from_day})."}]


def _strategies(f: Features) -> dict[str, Any]:
    late = _late_mission(f)
    since = f" from day {f.monitoring.from_day}" if late else ""
    baseline: dict[str, Any] = {"description": "What was in place from day 0: a "
                                f"{f.design.design_class} ceasefire; monitoring: "
                                f"{f.monitoring.mission}{since}."}
    if late:
        baseline["interventions"] = late
    replay: dict[str, Any] = {"description": "The dated record replayed: the events below, on "
                              "their days, over what was in place.",
                              "events": [{"day": e.day, "actor": e.actor, "action": e.action.value,
                                          "note": e.note} for e in f.record_events]}
    if late:
        replay["interventions"] = _late_mission(f)  # a copy: no YAML alias in the file
    return {"baseline": baseline, "as_happened": replay}


def _day0_information(f: Features) -> dict[str, float]:
    m = f.monitoring
    mission, mandate = (m.mission, m.mandate) if m.from_day == 0 else (Mission.NONE, "none")
    return R.information(mission, mandate, len(f.outside_offensives))


def build_scenario(f: Features) -> dict[str, Any]:
    """The scenario a case's features imply, as plain data (validate with sim.scenario)."""
    talks = {"base_rate": R.TALKS_RATE[f.talks.track], "start_day": f.talks.start_day,
             "initial_progress": R.INITIAL_PROGRESS[f.design.settles]}
    described = " ".join(f.case.description.split()) or f.case.name
    return {"meta": {"name": f.case.name, "description": described,
                     "start_date": f.case.start_date, "horizon_days": f.case.horizon_days,
                     "seed_digest": f.case.record},
            "actors": _actors(f), "information": _day0_information(f),
            "beliefs": dict(R.SHARED_BELIEFS), "truce": dict(R.SHARED_TRUCE), "talks": talks,
            "battlefield": R.battlefield(f.parties), "pressure": {"decay": 0.1},
            "strategies": _strategies(f), "sources": build_sources(f), "priors": build_priors(f)}


def _prior(dist: str, low: float, high: float, shape: dict, source: str) -> CommentedMap:
    """One prior, written on one line."""
    out = CommentedMap({"dist": dist, "low": low, "high": high, **shape, "source": source})
    out.fa.set_flow_style()
    return out


def build_priors(f: Features) -> dict[str, Any]:
    """Priors of every value the sources call an assumption: each party's gain from fighting
    around its coded value, then the shared values (codebook_rules.SHARED_PRIORS)."""
    out = {}
    for p in f.parties:
        v = R.GAIN_FROM_FIGHTING[p.momentum]
        out[f"actors.{p.id}.incentives.gain_from_fighting"] = _prior(
            "uniform", round(max(0.0, v - R.MOMENTUM_SPREAD), 3), round(v + R.MOMENTUM_SPREAD, 3),
            {}, f"{R.WIDE} around the coded value (rule parties.{p.id}.momentum, {R.RULES})")
    return out | {key: _prior(*spec) for key, spec in R.SHARED_PRIORS.items()}


def _party_sources(f: Features) -> dict[str, str]:
    out = {}
    for p in f.parties:
        a = f"actors.{p.id}"
        out[f"{a}.capability"] = R.cite(p.source, f"parties.{p.id}.strength")
        out[f"{a}.stances.commitment"] = R.cite(p.source, f"parties.{p.id}.consent")
        out[f"{a}.stances.position"] = R.cite(p.source, f"parties.{p.id}.side")
        out[f"{a}.incentives.gain_from_fighting"] = R.cite(p.source, f"parties.{p.id}.momentum")
        out[f"{a}.intent.types.*"] = R.cite(p.source, f"parties.{p.id}.consent")
        out[f"battlefield.control.{p.id}"] = R.cite(p.source, "parties.*.strength")
    for g in f.excluded_groups:
        for party in g.ties:
            out[f"actors.{party}.relations.spoiler_ties.{g.id}"] = R.cite(
                g.source, f"excluded_groups.{g.id}.ties")
    return out


def _other_sources(f: Features) -> dict[str, str]:
    out = {f"actors.{b.id}.*": R.cite(b.source, f"brokers.{b.id} (kind, role, also_fights, "
                                      "clients, leverage)") for b in f.brokers}
    out.update({f"actors.{b.id}.interests.*": R.cite(b.source, f"brokers.{b.id} (role, "
                "also_fights, clients; values of the Syria 2016 brokers)")
                for b in f.brokers if b.role is not BrokerRole.MEDIATOR})
    out.update({f"actors.{g.id}.*": R.cite(g.source, f"excluded_groups.{g.id} (type, strength, "
                                           "activity)") for g in f.excluded_groups})
    mon = R.cite(f.monitoring.source, "monitoring (mission, mandate)")
    off = "; ".join(o.source for o in f.outside_offensives)
    out["information.*"] = mon + (f"; outside offensives: {off}" if off else "")
    out["strategies.*.interventions.*"] = mon
    out["talks.start_day"] = R.cite(f.talks.source, "talks.start_day")
    out["talks.base_rate"] = R.cite(f.talks.source, "talks.track")
    out["talks.initial_progress"] = R.cite(f.design.source, "design.settles")
    out["strategies.as_happened.events.*"] = "; ".join(
        dict.fromkeys(e.source for e in f.record_events)) or SHARED
    return out


def build_sources(f: Features) -> dict[str, str]:
    """Field path -> source, for every number of the built scenario."""
    return {"meta.start_date": f.case.start_source,
            "meta.horizon_days": f.case.horizon_source,
            **_party_sources(f), **_other_sources(f),
            "actors.*.behaviour.*": SHARED, "actors.*.incentives.*": SHARED,
            "actors.*.stances.commitment_range": SHARED + "; frailty, Fortna 2004",
            "actors.*.intent.tactical_gain": SHARED + "; the generic ceasefire's value",
            "beliefs.*": SHARED + "; the generic ceasefire's observers' model",
            **{f"battlefield.{k}": SHARED + "; the Syria 2016 scenario's contest"
               for k in R.BATTLEFIELD},
            "truce.*": SHARED + "; the Syria scenario's collapse rules",
            "pressure.*": SHARED}


def _held(f: Features, day: int) -> bool | None:
    """Whether the record says the truce still held on ``day`` (None: the record cannot say)."""
    if f.outcome.ending is Ending.BREAKDOWN:
        return day < f.outcome.day
    return True if day <= f.outcome.day else None


def build_targets(f: Features) -> dict[str, Any]:
    """What the record says happened, for scoring a prediction of this case."""
    o = f.outcome
    return {"case": f.case.id, "record": f.case.record, "start_date": f.case.start_date,
            "ending": o.ending.value, "day": o.day, "note": o.note, "source": o.source,
            "breakdown_day": o.day if o.ending is Ending.BREAKDOWN else None,
            "censored_day": None if o.ending is Ending.BREAKDOWN else o.day,
            "held_at_day": {str(d): _held(f, d) for d in SURVIVAL_DAYS},
            "events": [{"day": e.day, "actor": e.actor, "action": e.action.value,
                        "source": e.source} for e in f.record_events]}


def to_yaml(data: dict[str, Any], header: str) -> str:
    """Block-style YAML under a comment header; keys keep their order."""
    yaml = YAML(typ="rt", pure=True)
    yaml.width = 4096  # one line per value: folded lines would carry trailing spaces
    yaml.representer.add_representer(
        type(None), lambda rep, _: rep.represent_scalar("tag:yaml.org,2002:null", "null"))
    yaml.indent(mapping=2, sequence=4, offset=2)
    buf = io.StringIO()
    yaml.dump(data, buf)
    lines = "".join(f"# {h}\n" if h else "#\n" for h in header.splitlines())
    return lines + buf.getvalue()


def record_skeleton(f: Features) -> str:
    """A dated record to fill in, with one anchor per feature section (none may stay empty)."""
    sections = [("truce-start", "Truce start"), ("design", "Design of the agreement"),
                ("monitoring", "Monitoring"), ("parties", "Parties"), ("brokers", "Brokers"),
                ("excluded-groups", "Armed groups left outside"), ("talks", "Talks"),
                ("outside-offensives", "Offensives by outside forces"),
                ("record", "Dated record"), ("outcome", "Outcome")]
    body = "".join(f'<a id="{a}"></a>\n## {t}\n\n- (day N, date) fact, in your own words '
                   "(source; where sources disagree, say so)\n\n" for a, t in sections)
    return (f"# {f.case.name}: a dated record\n\nDay 0 = {f.case.start_date.isoformat()}, when "
            "the truce took effect. Every fact is dated and sourced; facts that could not be "
            "verified are left out or marked as such.\n\n" + body)
