"""Numba's cache is dropped when a compiled rule changes (sim.jitcache)."""

from __future__ import annotations

import os

from sim.jitcache import forget_stale, sources_stamp


def tree(root):
    """A package folder with a kernel, a rule and cache files beside them."""
    (root / "rules" / "__pycache__").mkdir(parents=True)
    (root / "__pycache__").mkdir()
    (root / "kernel.py").write_text("def day(): pass\n")
    (root / "rules" / "spoilers.py").write_text("def attack(): pass\n")
    (root / "cli.py").write_text("x = 1\n")
    cached = [root / "__pycache__" / "kernel.day-1.py312.nbi",
              root / "__pycache__" / "kernel.day-1.py312.1.nbc",
              root / "rules" / "__pycache__" / "spoilers.attack-1.py312.nbi"]
    for f in cached:
        f.write_bytes(b"machine code")
    return cached


def test_a_cache_without_a_stamp_is_dropped_then_kept(tmp_path):
    cached = tree(tmp_path)
    assert forget_stale(tmp_path) is True
    assert not any(f.exists() for f in cached)
    for f in cached:  # numba compiles again and caches
        f.write_bytes(b"fresh machine code")
    assert forget_stale(tmp_path) is False
    assert all(f.exists() for f in cached)


def test_an_edited_rule_drops_the_cache_an_edited_cli_does_not(tmp_path):
    cached = tree(tmp_path)
    forget_stale(tmp_path)
    for f in cached:
        f.write_bytes(b"fresh machine code")
    before = sources_stamp(tmp_path)
    (tmp_path / "cli.py").write_text("x = 2  # not compiled\n")
    assert sources_stamp(tmp_path) == before and forget_stale(tmp_path) is False
    rule = tmp_path / "rules" / "spoilers.py"
    rule.write_text("def attack(): return 1\n")
    os.utime(rule, ns=(1, 1))  # a different time, whatever the clock's resolution
    assert sources_stamp(tmp_path) != before
    assert forget_stale(tmp_path) is True
    assert not any(f.exists() for f in cached)


def test_one_world_and_many_share_the_compiled_day():
    """A 1-world model passes the compiled day arguments of the same numba types as a batch:
    another type (a read-only array, say) would compile the whole day again (~45 s cold)."""
    import numba

    import sim
    from sim import kernel
    from sim.model import TruceModel

    scn = sim.load("syria_2016")

    def types(n):
        m = TruceModel(scn, n, seed=1)
        today = m.engine.begin_day(0, m.state)
        forced = kernel.forced_today(m.params.events, 0, max(m.params.n_parties,
                                                            m.params.n_spoilers))
        args = (m.streams.keys, m.state, m.fixed, today, forced, m.work[0])
        return [str(numba.typeof(a)) for a in args]

    assert types(1) == types(3)
