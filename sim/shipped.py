"""Shipped data: the scenarios, experiments and case records that come with trucesim, by name.

In the repository they are the top-level folders ``scenarios/``, ``experiments/`` and ``seeds/``;
a built wheel installs them as the data packages ``sim.scenarios``, ``sim.experiments`` and
``sim.seeds`` (setup.py). :func:`folder` finds them through :mod:`importlib.resources` in an
installed package and falls back to the checkout beside ``sim/`` (a source tree or an editable
install, where setuptools cannot map a data folder under a regular package).

A shipped file's name is its path under its folder without the ``.yaml`` suffix:
``syria_2016``, ``validation/spoilers``. :func:`resolve` is the one place where a command-line
argument or an experiment's ``scenario:`` becomes a file: a path that exists always wins; then
a shipped name (``syria_2016``, ``syria_2016.yaml`` or ``scenarios/syria_2016.yaml``, so the
commands of the docs work from any folder).
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from sim.yamlio import ScenarioError, parse_yaml, read_text

SCENARIOS = "scenarios"
EXPERIMENTS = "experiments"
SEEDS = "seeds"
KINDS = (SCENARIOS, EXPERIMENTS, SEEDS)
SUFFIXES = (".yaml", ".yml")
# inputs of `trucesim new-case` beside the real cases (scenarios/cases/): not scenarios themselves
NOT_NAMED = {"features", "targets"}


class NotShipped(LookupError):
    """A name that is neither an existing file nor a shipped one; the message lists the names."""


def folder(kind: str) -> Path:
    """The folder holding the shipped files of ``kind`` ("scenarios", "experiments", "seeds").

    Example:
        >>> (folder("scenarios") / "syria_2016.yaml").is_file()
        True
    """
    if kind not in KINDS:
        raise ValueError(f"kind: got {kind!r}; expected one of {', '.join(KINDS)}")
    package = resources.files("sim")
    installed = package / kind
    if installed.is_dir():
        return Path(str(installed))
    return Path(str(package)).parent / kind  # a checkout: the folder beside sim/


def names(kind: str = SCENARIOS) -> list[str]:
    """Names of the shipped YAML files of ``kind``, sorted: top-level files first.

    Example:
        >>> "validation/spoilers" in names("scenarios")
        True
    """
    root = folder(kind)
    found = [p.relative_to(root).with_suffix("").as_posix()
             for p in root.rglob("*") if p.suffix in SUFFIXES and p.is_file()
             and not NOT_NAMED & set(p.relative_to(root).parts[:-1])]
    return sorted(found, key=lambda n: (n.count("/"), n))


def _bare(name: str, kind: str) -> str:
    """``name`` without the spellings users add: a ``.yaml`` suffix, a leading ``kind/``."""
    text = name.strip().replace("\\", "/").removeprefix("./").removeprefix(f"{kind}/")
    for suffix in SUFFIXES:
        text = text.removesuffix(suffix)
    return text


def path_of(name: str, kind: str = SCENARIOS) -> Path:
    """The file of a shipped name.

    Raises:
        NotShipped: no shipped file of ``kind`` has this name (the message lists them).

    Example:
        >>> path_of("syria_2016").name
        'syria_2016.yaml'
    """
    known, bare = names(kind), _bare(name, kind)
    if bare in known:
        root = folder(kind)
        return next(root / f"{bare}{s}" for s in SUFFIXES if (root / f"{bare}{s}").is_file())
    raise NotShipped(f"no such file, and no shipped {kind[:-1]} is called {bare!r}; expected a "
                     f"path or one of: {', '.join(known) or 'none'} (`trucesim scenarios`)")


def resolve(arg: str | Path, kind: str = SCENARIOS, base_dir: str | Path | None = None) -> Path:
    """The file a user means by ``arg``: an existing path (relative to ``base_dir`` if given)
    wins; otherwise the shipped file of that name.

    Raises:
        NotShipped: neither a file nor a shipped name.

    Example:
        >>> resolve("syria_2016") == path_of("syria_2016")
        True
    """
    path = Path(base_dir) / arg if base_dir is not None else Path(arg)
    if path.exists():
        return path
    return path_of(str(arg), kind)


def catalogue(kind: str = SCENARIOS) -> list[tuple[str, str]]:
    """(name, one-line description) of each shipped scenario or experiment: its ``meta.name``
    (``experiment.name``), read without validating the file.

    Example:
        >>> dict(catalogue())["syria_2016"]
        'Syria 2016 cessation of hostilities'
    """
    section = "experiment" if kind == EXPERIMENTS else "meta"
    rows = []
    for name in names(kind):
        path = path_of(name, kind)
        try:
            data = parse_yaml(read_text(path), str(path))[1]
            title = str(data[section]["name"])
        except (ScenarioError, KeyError, TypeError):
            title = f"(no {section}.name: check it with `trucesim check {name}`)"
        rows.append((name, title))
    return rows
