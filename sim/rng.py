"""Named random streams, seeded by fixed-size blocks of worlds.

One integer seed per run. World ``w`` belongs to block ``w // BLOCK``; block ``b`` has one
generator per mechanism, seeded from ``SeedSequence(seed, spawn_key=(b, k))`` where ``k`` is
the stream's index in :data:`STREAMS`. Every draw moves a block's generator on by a full
block's worth of numbers and keeps the slice it needs, so a world's numbers do not depend on how
many worlds run beside it, and a draw in one mechanism never shifts another's stream (common
random numbers across strategies). A batch that holds only part of a block draws only its own
worlds' numbers and jumps the generator over the others' (``PCG64.advance``: a double is one
64-bit step), which gives the same numbers as drawing the whole block and slicing it.
"""

from __future__ import annotations

import math

import numpy as np

BLOCK = 1024
# New streams go at the end: a stream's seed depends on its index here.
STREAMS = ("spoilers", "decisions", "observation", "brokers", "talks", "interventions", "renege",
           "frailty")


def block_sizes(first_world: int, n_worlds: int) -> list[tuple[int, int, int]]:
    """(block index, offset within block, count) covering worlds [first, first + n)."""
    out, w, end = [], first_world, first_world + n_worlds
    while w < end:
        b, off = divmod(w, BLOCK)
        n = min(BLOCK - off, end - w)
        out.append((b, off, n))
        w += n
    return out


class Streams:
    """Per-mechanism uniform draws for a contiguous range of worlds."""

    def __init__(self, seed: int, first_world: int, n_worlds: int):
        self.seed = int(seed)
        self.blocks = block_sizes(first_world, n_worlds)
        self.n_worlds = n_worlds
        self._gens = {
            name: [np.random.Generator(np.random.PCG64(
                np.random.SeedSequence(self.seed, spawn_key=(b, k)))) for b, _, _ in self.blocks]
            for k, name in enumerate(STREAMS)
        }

    def uniform(self, stream: str, *tail: int) -> np.ndarray:
        """Uniform [0, 1) draws of shape ``(n_worlds, *tail)`` from one named stream."""
        out = np.empty((self.n_worlds, *tail))
        at = 0
        per_world = math.prod(tail)
        for g, (_, off, n) in zip(self._gens[stream], self.blocks):
            if n < BLOCK:  # part of a block: skip the other worlds' numbers instead of drawing
                g.bit_generator.advance(off * per_world)  # them (one 64-bit step per double)
            g.random(out=out[at:at + n])
            if n < BLOCK:
                g.bit_generator.advance((BLOCK - off - n) * per_world)
            at += n
        return out

