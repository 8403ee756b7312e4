"""Per-world outcomes of brokers who decide and of the battlefield (docs/model.md).

Only scenarios that switch a mechanism on get its columns, so other results are unchanged.
"""

from __future__ import annotations

from sim.broker_schema import BrokerAction


def game_columns(model) -> dict:
    """Weeks each deciding broker chose each action, its final credibility, the broker that
    fought for the party causing the collapse, and each party's final control and strength."""
    s, p, g = model.state, model.params, model.params.game
    cols = {}
    if g.has_brokers_decide:
        for b, bid in enumerate(p.broker_ids):
            if not g.broker_decides[b]:
                continue
            for a, action in enumerate(BrokerAction):
                cols[f"weeks_{bid}_{action.value}"] = s.n_broker_actions[:, b, a]
            cols[f"credibility_{bid}"] = s.credibility[:, b]
        cols["collapse_backer"] = [p.broker_ids[b] if b >= 0 else "" for b in s.collapse_backer]
    if g.has_battlefield:
        for i, pid in enumerate(p.party_ids):
            cols[f"control_{pid}"] = s.control[:, i]
            cols[f"strength_{pid}"] = s.strength[:, i]
    return cols
