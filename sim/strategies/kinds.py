"""The intervention registry: one entry per kind, holding its schema, compilation and effect.

Each kind is a :class:`Kind` subclass that names its pydantic schema (in
:mod:`sim.interventions_schema`) and overrides only what differs from the defaults:

* compilation (:mod:`sim.strategies.compile` calls these): which brokers act
  (:meth:`Kind.brokers`), which parties it reaches (:meth:`Kind.parties`), the leverage it adds
  per broker (:meth:`Kind.leverage_row`), the commitment a meeting restores
  (:meth:`Kind.amount`), and whether it has anyone to act on here (:meth:`Kind.applicable`);
* its daily effect (:mod:`sim.strategies.engine` calls these): a one-off effect on the state
  (:meth:`Kind.one_off`) and a running change of today's parameters (:meth:`Kind.apply`).
  Multiplicative kinds (:attr:`Kind.multiplicative`) are applied after every additive one, so a
  strategy's result does not depend on the order in which it lists its interventions.

``REGISTRY`` maps the ``kind`` string of a scenario file to its entry; ``docs/model.md``
section 10 states every effect as an equation. No random numbers are drawn here. An
intervention's numbers may be per world, (W,) arrays, where worlds of several parameter sets
share a batch (:mod:`sim.ensemble_block`), so each effect scales the per-world vector first.
"""

from __future__ import annotations

import numpy as np

from sim import interventions_schema as ivs
from sim.schema import BrokerRole


def guarantors(brokers) -> list:
    """The scenario's guarantors, else all its brokers (the default actors of most kinds)."""
    chosen = [b for b in brokers if b.role is BrokerRole.GUARANTOR]
    return chosen or list(brokers)


class Kind:
    """Defaults every kind shares; a subclass sets :attr:`schema` and overrides the rest."""

    schema: type = ivs.Base
    multiplicative: bool = False  # applied after every additive kind
    reads_engine: bool = False  # its apply reads arrays the engine changes from day to day

    @classmethod
    def name(cls) -> str:
        """The ``kind`` string of the scenario file (the schema's literal)."""
        return cls.schema.model_fields["kind"].annotation.__args__[0]

    # ------------------------------------------------------------ compilation
    def brokers(self, iv, brokers, by_id) -> list:
        """Brokers who act: those named (``brokers`` or ``attendees``), else the guarantors."""
        names = getattr(iv, "brokers", None) or getattr(iv, "attendees", None)
        return [by_id[b] for b in names] if names else guarantors(brokers)

    def parties(self, iv, params, tied: list) -> list:
        """Parties it reaches: those named, else all."""
        return getattr(iv, "parties", None) or params.party_ids

    def spoilers(self, iv, params) -> list:
        """Spoilers it reaches: those named, else all."""
        return getattr(iv, "spoilers", None) or params.spoiler_ids

    def leverage_row(self, iv, broker, i: int, params) -> np.ndarray | None:
        """Pressure broker ``i`` adds per verified violation while it is active (None: none)."""
        return None

    def amount(self, iv, brokers, by_id) -> float:
        """Commitment restored at activation (meetings only)."""
        return 0.0

    def applicable(self, c) -> bool:
        """Whether it has anyone to act on in this scenario (else it is dropped)."""
        return True

    # ------------------------------------------------------------ daily effect
    def one_off(self, engine, c, k: int, fired, active, state) -> None:
        """Effects on the state of firing (``fired``) or being active (``active``) today."""

    def apply(self, c, on: np.ndarray, t, engine):
        """Today's parameters ``t`` with this intervention's running effect where ``on``."""
        return t


class _BrokerKind(Kind):
    def applicable(self, c) -> bool:
        return bool(c.broker_mask.any())


class MediationMeetingKind(_BrokerKind):
    """Commitment restored by legitimacy x leverage, fading; parties back at the table."""

    schema = ivs.MediationMeeting

    def amount(self, iv, brokers, by_id) -> float:
        """Commitment restored: boost x legitimacy x (1 + attendees' mean leverage), at most 1."""
        if iv.mediator:
            legitimacy = by_id[iv.mediator].legitimacy
        else:
            mediators = [b for b in brokers if b.role is BrokerRole.MEDIATOR] or list(brokers)
            legitimacy = max((b.legitimacy for b in mediators), default=0.5)
        attendees = [by_id[a] for a in iv.attendees] if iv.attendees is not None \
            else guarantors(brokers)
        lev = [np.mean(list(a.relations.leverage.values()) or [0.0]) for a in attendees]
        return float(min(1.0, iv.boost * legitimacy * (1.0 + (np.mean(lev) if lev else 0.0))))

    def one_off(self, engine, c, k, fired, active, state) -> None:
        """Add the fired meeting to the fading bonus; parties not withdrawn return to talks.

        Before its first meeting the bonus is zero and stays zero: nothing to do.
        """
        if not fired.any():
            if engine.bonus[k].any():
                engine.bonus[k] = engine.bonus[k] * (1.0 - c.iv.fade)
            return
        engine.bonus[k] = engine.bonus[k] * (1.0 - c.iv.fade) + fired * c.amount
        state.in_talks[...] |= fired[:, None] & ~state.withdrawn


class MonitoringKind(Kind):
    """Today's verification, attribution and false-alarm probabilities replaced."""

    schema = ivs.Monitoring
    FIELDS = ("p_verify", "p_misattribution", "p_false_alarm")

    def apply(self, c, on, t, engine):
        """Today's verification, attribution and false-alarm probabilities replaced where on."""
        iv = c.iv
        values = {f: np.where(on, getattr(iv, f), getattr(t, f))
                  for f in self.FIELDS if getattr(iv, f) is not None}
        return t._replace(**values)


class _LeverageKind(_BrokerKind):
    def apply(self, c, on, t, engine):
        onf = on.astype(float)
        return t._replace(leverage=t.leverage + onf[:, None, None] * c.extra_leverage)


class CoercivePressureKind(_LeverageKind):
    """The pressing broker's leverage raised by ``strength``."""

    schema = ivs.CoercivePressure

    def brokers(self, iv, brokers, by_id) -> list:
        """The named broker, else the guarantors."""
        return [by_id[iv.actor]] if iv.actor else guarantors(brokers)

    def leverage_row(self, iv, broker, i, params):
        """The broker's effective leverage on each party, times ``strength``."""
        return iv.strength * params.leverage_eff[i]


class GuaranteeKind(_LeverageKind):
    """Punishment of defectors by the guarantor, discounted by its favour to each party."""

    schema = ivs.Guarantee

    def brokers(self, iv, brokers, by_id) -> list:
        """The named guarantor, else the most capable guarantor (none without brokers)."""
        if iv.guarantor:
            return [by_id[iv.guarantor]]
        pool = guarantors(brokers)
        return [max(pool, key=lambda b: b.capability)] if pool else []

    def leverage_row(self, iv, broker, i, params):
        """Punishment per party: strength x commitment x capability x (1 - favour to it)."""
        favour = np.array([max(0.0, broker.relations.bias.get(p, 0.0))
                           for p in params.party_ids])
        return iv.strength * broker.stances.commitment * broker.capability * (1.0 - favour)

    def apply(self, c, on, t, engine):
        """The guarantor's added leverage, today's guarantee flag and its pledge set where on."""
        t = super().apply(c, on, t, engine)
        onf = on.astype(float)
        return t._replace(guarantee=np.maximum(t.guarantee, onf),
                          pledge=np.maximum(t.pledge, onf[:, None] * c.broker_mask[None, :]))


class InducementsKind(Kind):
    """The daily motive to fight lowered for recipients (and for the spoilers named)."""

    schema = ivs.Inducements

    def apply(self, c, on, t, engine):
        """Recipients' (and the named spoilers') daily inducement raised by ``amount`` where on."""
        iv, onf = c.iv, on.astype(float)
        t = t._replace(inducement=t.inducement + (onf * iv.amount)[:, None] * c.party_mask[None, :])
        if iv.spoilers:  # the spoilers named, and only those (Stedman 1997)
            t = t._replace(spoiler_inducement=t.spoiler_inducement
                           + (onf * iv.amount)[:, None] * c.spoiler_mask[None, :])
        return t


class SeparationKind(Kind):
    """Ties to spoilers cut at ``rate`` a day; commitment lost on activation."""

    schema = ivs.Separation

    def parties(self, iv, params, tied):
        """The parties named, else those tied to a spoiler."""
        return iv.parties or tied

    def applicable(self, c) -> bool:
        """Whether it reaches any party."""
        return bool(c.party_mask.any())

    def one_off(self, engine, c, k, fired, active, state) -> None:
        """Commitment cost on firing; the parties' ties to spoilers cut by ``rate`` while active."""
        iv = c.iv
        if fired.any():  # (else it would subtract zero)
            state.commitment[...] -= (fired * iv.cost_to_party)[:, None] * c.party_mask[None, :]
        np.clip(state.commitment, 0.0, 1.0, out=state.commitment)
        if active.any():  # (else it would multiply by one)
            engine.ties *= 1.0 - _cut(active, iv.rate, c.party_mask)


def _cut(active: np.ndarray, rate, mask: np.ndarray) -> np.ndarray:
    """Share of the ties cut today, ``active x rate x mask``, over (worlds, parties, spoilers);
    one row for every world when it is active in all of them with one rate (the same numbers:
    ``1.0 * rate`` is ``rate``), which spares two temporaries of the size of the ties."""
    if np.ndim(rate) == 0 and active.all():
        return (rate * mask)[None, :, None]
    return (active * rate)[:, None, None] * mask[None, :, None]


class ActionAgainstSpoilersKind(Kind):
    """Spoilers' capability destroyed at ``rate`` a day; collateral incidents for tied parties."""

    schema = ivs.ActionAgainstSpoilers
    reads_engine = True  # the parties' exposure: ties that separation cuts day by day

    def applicable(self, c) -> bool:
        """Whether it reaches any spoiler."""
        return bool(c.spoiler_mask.any())

    def one_off(self, engine, c, k, fired, active, state) -> None:
        """The targeted spoilers' capability cut by ``rate`` while active."""
        if active.any():  # (else it would multiply by one)
            engine.capability *= 1.0 - (active * c.iv.rate)[:, None] * c.spoiler_mask[None, :]

    def apply(self, c, on, t, engine):
        """Collateral incidents raised by the parties' exposure to the targeted spoilers."""
        exposure = (engine.ties * c.spoiler_mask[None, None, :]).max(axis=2, initial=0.0)
        return t._replace(collateral=np.minimum(
            1.0, t.collateral + (on.astype(float) * c.iv.p_collateral)[:, None] * exposure))


class PoliticalPushKind(Kind):
    """Talks faster, spoilers provoked more (Kydd & Walter 2002)."""

    schema = ivs.PoliticalPush

    def apply(self, c, on, t, engine):
        """The talks and the spoilers' provocation multipliers scaled where on."""
        iv = c.iv
        return t._replace(
            talks_multiplier=t.talks_multiplier * np.where(on, iv.talks_multiplier, 1.0),
            provocation_multiplier=t.provocation_multiplier
            * np.where(on, iv.provocation_multiplier, 1.0))


class LeaderDiplomacyKind(_BrokerKind):
    """The named brokers' leverage multiplied by ``1 + boost``."""

    schema = ivs.LeaderDiplomacy
    multiplicative = True

    def apply(self, c, on, t, engine):
        """The named brokers' leverage multiplied by ``1 + boost`` where on."""
        onf = on.astype(float)
        return t._replace(leverage=t.leverage * (
            1.0 + (c.iv.boost * onf)[:, None, None] * c.broker_mask[None, :, None]))


KINDS = (MediationMeetingKind, MonitoringKind, CoercivePressureKind, GuaranteeKind,
         InducementsKind, SeparationKind, ActionAgainstSpoilersKind, PoliticalPushKind,
         LeaderDiplomacyKind)
REGISTRY: dict[str, Kind] = {k.name(): k() for k in KINDS}


def entry(iv) -> Kind:
    """The registry entry of an intervention (by its ``kind``)."""
    return REGISTRY[iv.kind]
