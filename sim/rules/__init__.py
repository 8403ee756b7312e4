"""The model's rules, one mechanism per module.

Each rule is a pure function of arrays whose leading axis is the world: it takes state,
parameters and uniform draws, and returns new arrays. No I/O, no random generator calls: draws
come in as arguments so that tests can pass exact numbers and the model owns the streams.
"""
