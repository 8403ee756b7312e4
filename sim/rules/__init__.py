"""The model's rules, one mechanism per module, compiled (numba ``njit``).

Each rule is a small pure function of one world's numbers (scalars, or one actor's row): it
takes state, parameters and uniform draws, and returns new values. No I/O, no random generator
calls: draws come in as arguments so that tests can pass exact numbers, and the compiled day
(:mod:`sim.kernel`) owns the random keys. With ``NUMBA_DISABLE_JIT=1`` the same source runs as
plain Python.
"""
