"""The authoring tools: tools/execute.py stores outputs as nbval expects; tools/bench.py
measures."""

from __future__ import annotations

import sys

import nbformat
import pytest
from conftest import ROOT

sys.path.insert(0, str(ROOT / "tools"))
import bench  # noqa: E402
import execute  # noqa: E402


@pytest.fixture
def notebook(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("# A title"),
        nbformat.v4.new_code_cell("x = sum(range(10))"),
        nbformat.v4.new_code_cell("print(x)"),
        nbformat.v4.new_code_cell("x * 2"),
    ]
    path = tmp_path / "tiny.ipynb"
    nbformat.write(nb, path)
    return path


def test_execute_stores_outputs_top_to_bottom_without_timestamps(notebook):
    execute.execute(notebook)
    nb = nbformat.read(notebook, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert [c.execution_count for c in code] == [1, 2, 3]
    assert code[1].outputs[0]["text"] == "45\n"
    assert code[2].outputs[0]["data"]["text/plain"] == "90"
    assert all("execution" not in c.metadata for c in code)
    assert nb.metadata["kernelspec"]["name"] == "python3"


def test_bench_reports_wall_time_and_peak_memory(notebook):
    wall, peak_mb = bench.bench(notebook)
    assert 0 < wall < bench.BUDGET_S
    assert (
        20 < peak_mb < bench.BUDGET_MB
    )  # a Python kernel needs tens of MB, not kB or GB


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_bench_counts_a_child_process_that_is_still_running(tmp_path):
    """Spark's JVM runs until the kernel exits: its memory must count too."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell(
            "import subprocess, sys, time\n"
            "child = subprocess.Popen([sys.executable, '-c', "
            "'x = bytearray(300_000_000); import time; time.sleep(20)'])\n"
            "time.sleep(3)"
        ),
    ]
    path = tmp_path / "child.ipynb"
    nbformat.write(nb, path)
    _, peak_mb = bench.bench(path)
    assert peak_mb > 300  # the child's 300 MB plus the kernel's own


def test_tree_hash_tracks_what_notebooks_compute_with(tmp_path):
    import tree_hash

    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "m.py").write_text("x = 1\n")
    (tmp_path / "pkg" / "README.md").write_text("notes\n")
    before = tree_hash.tree_hash([str(tmp_path / "pkg")])
    assert len(before) == 16 and before == tree_hash.tree_hash([str(tmp_path / "pkg")])
    (tmp_path / "pkg" / "README.md").write_text("other notes\n")  # prose: same hash
    (tmp_path / "pkg" / "__pycache__").mkdir()
    (tmp_path / "pkg" / "__pycache__" / "m.pyc").write_bytes(b"\0")
    assert tree_hash.tree_hash([str(tmp_path / "pkg")]) == before
    (tmp_path / "pkg" / "m.py").write_text("x = 2\n")  # code: new hash
    assert tree_hash.tree_hash([str(tmp_path / "pkg")]) != before
