"""Packaging details pyproject.toml cannot state: the repository's data folders as package data.

`scenarios/`, `experiments/` and `seeds/` stay at the top of the repository (the design fixes
them) and are installed as the data packages `sim.scenarios`, `sim.experiments` and `sim.seeds`
(no `__init__.py`: namespace packages read through `importlib.resources`, see
`sim/shipped.py`). The globs are recursive, so files added to these folders or to new
subfolders of them ship without a change here. Everything else is in pyproject.toml.
"""

from setuptools import find_namespace_packages, find_packages, setup

DATA_DIRS = {"sim.scenarios": "scenarios", "sim.experiments": "experiments", "sim.seeds": "seeds"}
DATA_FILES = ["*"]  # every file: a new kind of record (a posterior, a figure) ships as well


def data_packages() -> list[str]:
    """Each data folder and its subfolders, as package names (`sim.scenarios.validation`)."""
    names = []
    for package, folder in DATA_DIRS.items():
        subs = find_namespace_packages(where=folder, exclude=["*.*__pycache__*", "__pycache__"])
        names += [package] + [f"{package}.{sub}" for sub in subs]
    return names


DATA_PACKAGES = data_packages()

setup(
    packages=find_packages(include=["sim", "sim.*"]) + DATA_PACKAGES,
    package_dir=DATA_DIRS,
    package_data={name: DATA_FILES for name in DATA_PACKAGES},
)
