"""One colour and line style per strategy, keyed on its name, the same in every output.

A strategy keeps its colour from one memo, plot or dashboard to the next, whatever order the
strategies were listed in: the colour follows the name, never the position. The baseline is
always black and solid, the replayed record (``as_happened``) always grey and dashed. Colours
come from the Okabe–Ito and Paul Tol palettes, chosen to stay apart for the common forms of
colour blindness (Okabe & Ito 2008; Tol 2021, "Colour schemes", SRON/EPS/TN/09-002).
"""

from __future__ import annotations

import zlib

BASELINE = "baseline"
BASELINE_STYLE = ("#000000", "-")

# the standard library's strategies and the names the shipped scenarios use
FIXED: dict[str, tuple[str, str]] = {
    BASELINE: BASELINE_STYLE,
    "as_happened": ("#7f7f7f", "--"),
    "monitoring": ("#0072B2", "-"),       # blue
    "pressure": ("#D55E00", "-"),         # vermillion
    "guarantee": ("#117733", "-"),        # green
    "urgent_meeting": ("#E69F00", "-"),   # orange
    "separation": ("#AA4499", "-"),       # purple
    "political_push": ("#56B4E9", "-"),   # sky blue
    "inducements": ("#999933", "-"),      # olive
    "action_against_spoilers": ("#882255", "-"),  # wine
    "leader_diplomacy": ("#44AA99", "-"),  # teal
    "monitors": ("#0072B2", "-"),         # lakeland's monitoring mission
    "guaranteed_deal": ("#117733", "-"),  # lakeland's guaranteed settlement
}

# for any other name: picked by a hash of the name, then the next free one in a figure
SPARE = [("#332288", "-."), ("#CC6677", "-."), ("#DDCC77", "-."), ("#88CCEE", "-."),
         ("#0072B2", ":"), ("#D55E00", ":"), ("#117733", ":"), ("#E69F00", ":"),
         ("#AA4499", ":"), ("#56B4E9", ":"), ("#999933", ":"), ("#882255", ":")]


def style(name: str) -> tuple[str, str]:
    """(colour, line style) of a strategy, from its name alone."""
    if name in FIXED:
        return FIXED[name]
    return SPARE[zlib.crc32(name.encode()) % len(SPARE)]


def styles(names: list[str]) -> dict[str, tuple[str, str]]:
    """Styles for the strategies of one figure: :func:`style`, except that a name whose style
    another name in the figure already has moves to the next free spare (names taken in sorted
    order, so the result does not depend on the order they were listed in)."""
    out: dict[str, tuple[str, str]] = {}
    for name in sorted(names, key=lambda n: (n not in FIXED, n)):
        pick = style(name)
        if pick in out.values():
            start = SPARE.index(pick) if pick in SPARE else 0
            free = [SPARE[(start + k) % len(SPARE)] for k in range(len(SPARE))]
            pick = next((s for s in free if s not in out.values()), pick)
        out[name] = pick
    return {n: out[n] for n in names}
