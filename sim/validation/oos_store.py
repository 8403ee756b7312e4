"""Where the out-of-sample track record is kept, so that a run can be resumed (issue 20).

A results folder holds:

- ``manifest.json``: what run it is (budget, worlds per set, seed, cases). A folder whose
  manifest names another run is refused, untouched; the same run goes on where it stopped.
- ``cases/<id>.json``: one held-out case's row, written (atomically) as soon as it is done, so
  an interrupted run loses no finished case.
- ``results.parquet`` and ``results.json``: every finished case's row and the ``overall`` row,
  rewritten together (atomically) after each case.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pandas as pd

from sim.atomic import atomic_write, atomic_write_all

MANIFEST = "manifest.json"
KIND = "trucesim out-of-sample track record"


class RunMismatch(Exception):
    """The folder holds something other than this run's results (one message per problem)."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


def _plain(value):
    """JSON-ready: non-finite numbers become null, numpy scalars Python ones."""
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def to_json(data) -> str:
    """Rows or a mapping as strict JSON (NaN and infinity as null)."""
    if isinstance(data, list):
        return json.dumps([{k: _plain(v) for k, v in r.items()} for r in data], indent=1)
    return json.dumps({k: _plain(v) for k, v in data.items()}, indent=1)


def _mismatch(path: Path, saved: dict, config: dict) -> list[str]:
    if saved.get("kind") != KIND:
        return [f"{path}: not the manifest of an out-of-sample run (kind: {saved.get('kind')!r}); "
                "expected a new folder or one this command wrote"]
    old = saved.get("config", {})
    return [f"{path}: config.{k} is {old.get(k)!r} there, {v!r} in this run; expected the same "
            "run (to resume it) or a new folder" for k, v in config.items() if old.get(k) != v]


def open_run(folder: Path, config: dict) -> dict[str, dict]:
    """The rows of cases this run already finished in ``folder`` (creating it, with its
    manifest, when new).

    Raises:
        RunMismatch: the folder is a file, holds other files and no manifest, or its manifest
            is of another run; nothing is written then.
    """
    manifest = folder / MANIFEST
    if folder.exists() and not folder.is_dir():
        raise RunMismatch([f"{folder}: is a file; expected a folder for the results"])
    if manifest.exists():
        try:
            saved = json.loads(manifest.read_text())
        except (OSError, ValueError) as exc:
            raise RunMismatch([f"{manifest}: unreadable ({exc}); expected this command's "
                               "manifest"]) from None
        problems = _mismatch(manifest, saved if isinstance(saved, dict) else {}, config)
        if problems:
            raise RunMismatch(problems)
        return {r["case"]: r for r in map(_read_row, sorted((folder / "cases").glob("*.json")))
                if r["case"] in config.get("cases", [])}
    if folder.exists() and any(folder.iterdir()):
        raise RunMismatch([f"{folder}: holds files but no {MANIFEST}; expected an empty or new "
                           "folder, or one this command wrote"])
    (folder / "cases").mkdir(parents=True, exist_ok=True)
    atomic_write(manifest, lambda tmp: Path(tmp).write_text(to_json({"kind": KIND,
                                                                     "config": config})))
    return {}


def _read_row(path: Path) -> dict:
    return json.loads(path.read_text())


def save_case(folder: Path, row: dict) -> None:
    """Keep one finished held-out case."""
    path = folder / "cases" / f"{row['case']}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(path, lambda tmp: Path(tmp).write_text(to_json(row)))


def save_tables(folder: Path, rows: list[dict], total: dict) -> pd.DataFrame:
    """Write the per-case rows and the overall row as Parquet and JSON, together."""
    table = pd.DataFrame([*rows, total])
    text = json.dumps({"cases": json.loads(to_json(rows)),
                       "overall": json.loads(to_json(total))}, indent=1)
    atomic_write_all({folder / "results.parquet": lambda tmp: table.to_parquet(tmp, index=False),
                      folder / "results.json": lambda tmp: Path(tmp).write_text(text)})
    return table
