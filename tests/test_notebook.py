"""examples/quickstart.ipynb runs top to bottom in a fresh kernel, from a folder outside the
repository, so the notebook cannot rot (the kernel is the interpreter running the tests)."""

from __future__ import annotations

from pathlib import Path

import nbclient
import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "examples" / "quickstart.ipynb"


def outputs(cell) -> str:
    """The text a code cell printed or returned."""
    return "\n".join(o.get("text") or o.get("data", {}).get("text/plain", "")
                     for o in cell.get("outputs", []))


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    nb = nbformat.read(NOTEBOOK, as_version=4)
    folder = tmp_path_factory.mktemp("notebook")
    client = nbclient.NotebookClient(nb, timeout=600, kernel_name="python3",
                                     resources={"metadata": {"path": str(folder)}})
    client.execute()  # raises CellExecutionError, with the cell and traceback, on any error
    return nb


def test_the_notebook_is_stored_without_outputs():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(nb)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code and all(not c.outputs and c.execution_count is None for c in code)


def test_every_cell_runs_and_the_plot_is_drawn(executed):
    code = [c for c in executed.cells if c.cell_type == "code"]
    assert all(c.execution_count for c in code)
    images = [c for c in code if any("image/png" in o.get("data", {}) for o in c.outputs)]
    assert len(images) == 1 and "plot_survival" in images[0].source


def test_the_notebook_shows_what_it_says(executed):
    """Its comparison table names both strategies, and the --set change is visible."""
    by_source = {c.source: outputs(c) for c in executed.cells if c.cell_type == "code"}
    table = next(out for src, out in by_source.items() if "sim.compare(" in src)
    assert all(s in table for s in ("baseline", "monitoring", "pressure"))
    changed = next(out for src, out in by_source.items() if "p_misattribution=0.9" in src)
    assert "as calibrated (0.5)" in changed and "misattribution 0.9" in changed
