"""The sweep store: Parquet parts written atomically, a manifest, DuckDB queries.

Layout of a sweep folder ``OUT``::

    OUT/manifest.json         experiment hash, scenario hash, package version, seeds, design,
                              and the SHA-256 and row count of every finished part
    OUT/design.parquet        one row per point: its values, raw sample and seed
    OUT/parts/part-NNNNN.parquet   per (point, strategy) outcomes, one file per part
    OUT/worlds/part-NNNNN.parquet  per-world rows (only with --keep-worlds)

A part is written to a temporary name in the same folder and renamed into place, then recorded
in the manifest (also replaced atomically). A part counts as done only when its file's checksum
and row count match the manifest, so a part cut short by a crash, or damaged later, is redone.
Open the results with ``duckdb.sql("select * from 'OUT/parts/*.parquet'")``.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pandas as pd

from sim.atomic import atomic_write

MANIFEST = "manifest.json"
FORMAT = 1


class StoreError(Exception):
    """The folder holds something this sweep must not overwrite or mix with."""


def sha256_file(path: Path) -> str:
    """The SHA-256 of a file's bytes, in hex."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


class Store:
    """One sweep's output folder."""

    def __init__(self, root: str | Path):
        self.root = Path(root)
        self.parts = self.root / "parts"
        self.worlds = self.root / "worlds"

    def part_path(self, index: int, kind: str = "parts") -> Path:
        """The Parquet file of part ``index`` (``kind``: parts or worlds)."""
        return self.root / kind / f"part-{index:05d}.parquet"

    def read_manifest(self) -> dict | None:
        """The folder's manifest, or None if there is none yet."""
        path = self.root / MANIFEST
        if not path.exists():
            return None
        try:
            return json.loads(path.read_text())
        except (OSError, ValueError) as exc:
            raise StoreError(f"{path}: not a readable sweep manifest ({exc})") from None

    def write_manifest(self, manifest: dict) -> None:
        """Write the manifest atomically."""
        text = json.dumps(manifest, indent=1, sort_keys=True) + "\n"
        atomic_write(self.root / MANIFEST, lambda p: Path(p).write_text(text))

    def create(self, manifest: dict, design: pd.DataFrame, keep_worlds: bool) -> None:
        """Start an empty sweep folder (stale temporary files of an earlier crash removed)."""
        self.root.mkdir(parents=True, exist_ok=True)
        atomic_write(self.root / "design.parquet", lambda p: design.to_parquet(p, index=False))
        self.write_manifest(manifest)  # before parts/: a folder with parts/ always has one
        self.parts.mkdir(exist_ok=True)
        if keep_worlds:
            self.worlds.mkdir(exist_ok=True)
        for tmp in [*self.parts.glob(".*.tmp"), *self.worlds.glob(".*.tmp"),
                    *self.root.glob(".*.tmp")]:
            tmp.unlink(missing_ok=True)

    def write_part(self, index: int, table: pd.DataFrame, kind: str = "parts") -> dict:
        """Write one part atomically; returns its record (checksum, rows)."""
        path = self.part_path(index, kind)
        atomic_write(path, lambda p: _to_parquet(table, p))
        return {"sha256": sha256_file(path), "rows": len(table)}

    def is_done(self, manifest: dict, index: int, rows: int) -> bool:
        """Whether part ``index`` is on disk, intact, with ``rows`` rows, as the manifest says."""
        for kind in ("parts", "worlds") if manifest.get("keep_worlds") else ("parts",):
            record = manifest["parts"].get(kind, {}).get(str(index))
            path = self.part_path(index, kind)
            if record is None or not path.exists():
                return False
            if kind == "parts" and record["rows"] != rows:
                return False
            if sha256_file(path) != record["sha256"]:
                return False
        return True

    def table(self, kind: str = "parts") -> pd.DataFrame:
        """All parts as one table, ordered by point and strategy (DuckDB reads the files)."""
        import duckdb  # noqa: PLC0415  lazy: duckdb, only for queries

        files = sorted((self.root / kind).glob("part-*.parquet"))
        if not files:
            return pd.DataFrame()
        order = "point, strategy_index" + (", world" if kind == "worlds" else "")
        glob = str(self.root / kind / "part-*.parquet")
        return duckdb.sql(f"select * from read_parquet('{glob}') order by {order}").df()

    def design(self) -> pd.DataFrame:
        """The design: one row per point."""
        return pd.read_parquet(self.root / "design.parquet")

    def results(self) -> pd.DataFrame:
        """The parts, one row per (point, strategy), with the point's parameter values (the
        manifest's uncertainty columns) after ``point``: ``table()`` joined with ``design()``."""
        table = self.table()
        if table.empty:
            return table
        values = [u["column"] for u in self.read_manifest()["uncertainties"]]
        joined = table.merge(self.design()[["point", *values]], on="point", how="left",
                             validate="many_to_one")
        rest = [c for c in table.columns if c != "point"]
        return joined[["point", *values, *rest]]


def _to_parquet(table: pd.DataFrame, path: str) -> None:
    table.to_parquet(path, index=False)
