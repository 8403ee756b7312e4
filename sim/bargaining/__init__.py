"""Bargaining over the terms of a settlement: the political track of the talks.

K issues, each settled at x_k in [0, 1]; party i has ideal a_ik, salience w_ik (summing to 1)
and reservation value r_i; u_i(x) = sum_k w_ik (1 - |x_k - a_ik|) (:mod:`.issues`). On top:

- :mod:`.rubinstein`  alternating offers (Rubinstein 1982), finite horizon by backward
  induction (Stahl 1972), the outside-option principle (Binmore, Shaked & Sutton 1989);
- :mod:`.nash`        the Nash bargaining solution (Nash 1950), exact for two parties, by
  coordinate ascent for more;
- :mod:`.zeuthen`     Zeuthen's concession process (Zeuthen 1930; Harsanyi 1956);
- :mod:`.talks`       the daily mediated step for the model (``talks_day``, compiled; run by
  :mod:`sim.kernel`), the mediator's proposal and ``renege``;
- :mod:`.negotiate`   a standalone API to study a negotiation without a battlefield.

The rules the model's day uses are compiled functions of one world (numba); the public
functions take a leading axis of worlds W and loop over them, so each rule exists once. The
functions of one world allocate nothing and are compiled without reference counting
(``_nrt=False``), as the compiled day is: otherwise each call counted references on the shared
state's arrays with atomic instructions, which cost ~10% of a day on one thread and made two
threads contend for the same cache lines (docs/performance.md). Nothing draws random numbers.
The model is written out with equations in docs/bargaining.md.
"""

from sim.bargaining.frontier import Frontier, nash_on_frontier, two_party_frontier
from sim.bargaining.issues import compromise, distance, utility, utility_matrix
from sim.bargaining.nash import NashSolution, nash_solution, nash_two_party_closed_form
from sim.bargaining.negotiate import Outcome, negotiate
from sim.bargaining.rubinstein import (
    AlternatingOffers,
    alternating_offers,
    outside_option_share,
    rubinstein_share,
)
from sim.bargaining.talks import (
    TalksUpdate,
    initial_demands,
    mediator_proposal,
    renege,
    talks_step,
)
from sim.bargaining.zeuthen import ZeuthenResult, risk_limit, zeuthen

__all__ = [
    "AlternatingOffers", "Frontier", "NashSolution", "Outcome", "TalksUpdate", "ZeuthenResult",
    "alternating_offers", "compromise", "distance", "initial_demands", "mediator_proposal",
    "nash_on_frontier", "nash_solution", "nash_two_party_closed_form", "negotiate",
    "outside_option_share", "renege", "risk_limit", "rubinstein_share", "talks_step",
    "two_party_frontier", "utility", "utility_matrix", "zeuthen",
]
