"""The package outside its repository: build the wheel, install it into a new virtual
environment, and run the documented commands by scenario name from a folder that is not the
checkout (issue 24).

The new environment takes its dependencies from this one's site-packages through a ``.pth``
file (a folder of links to every installed distribution except trucesim itself): installing
them afresh from pip's cache took 3 min 26 s here (2026-12-01, 2 shared cores), so it is left
out. pip still checks, when it installs the wheel, that every declared dependency is there.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import tomllib
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sim.cli import app

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ("pyproject.toml", "setup.py", "README.md", "sim", "scenarios", "experiments", "seeds")
DATA = ("scenarios", "experiments", "seeds")
LESSON = ROOT / "docs" / "teaching" / "lesson1_spoilers.md"

pytestmark = pytest.mark.slow


def copy_sources(dest: Path) -> Path:
    """What the wheel is built from, copied, so that building writes nothing in the checkout."""
    for name in SOURCES:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, dest / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(src, dest / name)
    return dest


def build_wheel(src: Path, dist: Path) -> Path:
    args = [sys.executable, "-m", "pip", "wheel", str(src), "--no-deps", "-q", "-w", str(dist)]
    if importlib.util.find_spec("setuptools"):  # a dev install has it: no isolated build env
        args.append("--no-build-isolation")
    subprocess.run(args, check=True, capture_output=True, text=True)
    return next(dist.glob("trucesim-*.whl"))


def dependencies_view(dest: Path) -> Path:
    """Links to this environment's installed packages, without trucesim and its editable hook."""
    site = Path(sysconfig.get_paths()["purelib"])
    dest.mkdir()
    for entry in site.iterdir():
        if not re.match(r"(trucesim|__editable__.*trucesim|sim$)", entry.name):
            (dest / entry.name).symlink_to(entry)
    return dest


def make_venv(path: Path, deps: Path) -> Path:
    """A new virtual environment whose only extra path is ``deps``; returns its bin folder."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(path)], check=True)
    python = path / "bin" / "python"
    code = "import sysconfig; print(sysconfig.get_paths()['purelib'])"
    purelib = subprocess.run([python, "-c", code], check=True, capture_output=True, text=True)
    Path(purelib.stdout.strip(), "_test_dependencies.pth").write_text(f"{deps}\n")
    return path / "bin"


def share_compiled_code(bin_: Path) -> None:
    """Copy numba's cache of the checkout's package into the installed one, with the installed
    sources given the checkout's modification times (numba's cache and :mod:`sim.jitcache` key
    on a source's size and time): the installed package then loads the compiled day instead of
    compiling it again (45-60 s of CPU per specialisation, most of this file's time). What this
    file tests is the package's files and names; compiling is tested in the checkout."""
    code = "import sysconfig; print(sysconfig.get_paths()['purelib'])"
    done = subprocess.run([bin_ / "python", "-c", code], check=True, capture_output=True,
                          text=True)
    target = Path(done.stdout.strip(), "sim")
    for src in (ROOT / "sim").rglob("*.py"):
        twin = target / src.relative_to(ROOT / "sim")
        if twin.is_file() and twin.stat().st_size == src.stat().st_size:
            os.utime(twin, ns=(src.stat().st_atime_ns, src.stat().st_mtime_ns))
    for cached in (ROOT / "sim").rglob("__pycache__/*"):
        if cached.suffix in (".nbi", ".nbc", ".stamp"):
            twin = target / cached.relative_to(ROOT / "sim")
            twin.parent.mkdir(exist_ok=True)
            shutil.copy2(cached, twin)


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """(bin folder of the new environment, the wheel, a working folder outside the checkout)."""
    tmp = tmp_path_factory.mktemp("wheel")
    wheel = build_wheel(copy_sources(tmp_path_factory.mktemp("src")), tmp / "dist")
    bin_ = make_venv(tmp / "venv", dependencies_view(tmp / "deps"))
    subprocess.run([sys.executable, "-m", "pip", "--python", str(bin_ / "python"), "install",
                    "-q", "--no-index", str(wheel)], check=True, capture_output=True, text=True)
    share_compiled_code(bin_)
    work = tmp / "elsewhere"
    work.mkdir()
    return bin_, wheel, work


def trucesim(installed, *args: str) -> subprocess.CompletedProcess:
    bin_, _, work = installed
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["COLUMNS"] = "160"
    return subprocess.run([str(bin_ / args[0]), *args[1:]], check=False, cwd=work, env=env,
                          capture_output=True, text=True, timeout=600)


def repo_files(folder: str) -> set[str]:
    base = ROOT / folder
    return {p.relative_to(base).as_posix() for p in base.rglob("*")
            if p.is_file() and "__pycache__" not in p.parts}


def test_the_wheel_holds_every_scenario_experiment_and_case_record(installed):
    names = set(zipfile.ZipFile(installed[1]).namelist())
    for folder in DATA:
        shipped = {n.removeprefix(f"sim/{folder}/") for n in names
                   if n.startswith(f"sim/{folder}/")}
        assert shipped == repo_files(folder), folder


def test_the_installed_package_is_the_wheel_and_knows_its_version(installed):
    code = "import sim, sys; print(sim.__file__); print(sim.__version__)"
    done = trucesim(installed, "python", "-c", code)
    where, version = done.stdout.split()
    assert "site-packages" in where and not where.startswith(str(ROOT)), done.stderr
    expected = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    assert version == expected
    assert trucesim(installed, "trucesim", "--version").stdout.strip() == f"trucesim {expected}"


def test_scenarios_lists_every_shipped_scenario(installed):
    done = trucesim(installed, "trucesim", "scenarios")
    assert done.returncode == 0, done.stderr
    for path in (ROOT / "scenarios").rglob("*.yaml"):
        name = path.relative_to(ROOT / "scenarios").with_suffix("").as_posix()
        if name.startswith(("cases/features/", "cases/targets/")):  # new-case inputs: no names
            continue
        assert re.search(rf"^ ?{re.escape(name)} ", done.stdout, re.MULTILINE), name


def test_run_by_name_writes_results_in_the_current_folder(installed):
    done = trucesim(installed, "trucesim", "run", "syria_2016", "--worlds", "200", "--seed", "1",
                    "--format", "json", "--out", "out/run")
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert summary["worlds"] == 200 and summary["scenario"] == "Syria 2016 cessation of hostilities"
    assert (installed[2] / "out" / "run" / "worlds.parquet").is_file()


def test_compare_by_name(installed):
    done = trucesim(installed, "trucesim", "compare", "validation/spoilers", "--strategies",
                    "all", "--worlds", "200", "--seed", "1", "--workers", "1", "--format", "json")
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert summary["scenario"] == "Spoilers of a ceasefire" and summary["worlds"] == 200
    assert [r["strategy"] for r in summary["results"]] == ["baseline", "induce_spoiler"]


def test_validate_quick(installed):
    done = trucesim(installed, "trucesim", "validate", "--quick")
    assert done.returncode == 0, done.stdout + done.stderr
    assert re.search(r"(\d+) of \1 claims pass", done.stdout), done.stdout


def test_a_lesson_command_as_written(installed):
    """The lesson's first command names ``scenarios/syria_2016.yaml``; with no such file in the
    current folder, that is the shipped scenario."""
    command = re.search(r"^\$ (trucesim story .+)$", LESSON.read_text(), re.MULTILINE).group(1)
    done = trucesim(installed, *command.split())
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Syria 2016 cessation of hostilities — strategy baseline")
    in_checkout = CliRunner().invoke(app, command.split()[1:])
    assert done.stdout == in_checkout.stdout  # the same story as from the repository


def test_an_experiment_by_name_finds_its_base_scenario_in_the_package(installed):
    code = ("from sim.sweep import load_experiment as l; e = l('syria_guarantors_grid'); "
            "print(e.file); print(e.scenario.meta.name)")
    done = trucesim(installed, "python", "-c", code)
    assert done.returncode == 0, done.stderr
    file, name = done.stdout.strip().splitlines()
    assert "site-packages" in file and name == "Syria 2016 cessation of hostilities"


def test_an_unknown_name_lists_the_shipped_ones(installed):
    done = trucesim(installed, "trucesim", "run", "syria_2061")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.startswith("syria_2061: cannot read file: ")
    assert "syria_2016, syria_2016_monitored" in done.stderr
