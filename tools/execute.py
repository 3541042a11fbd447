"""Execute notebooks in place, top to bottom in one fresh kernel, and store their
outputs.

    .venv/bin/python tools/execute.py chapters/some-chapter.ipynb [more.ipynb ...]
    make execute NB=chapters/some-chapter.ipynb

This is how a chapter's stored outputs are made: nbval later re-executes the notebook
and compares.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import nbformat
from _kernel import notebook_client

TIMEOUT_S = 300


def execute(path: Path) -> float:
    nb = nbformat.read(path, as_version=4)
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3 (ipykernel)",
        "language": "python",
    }
    client = notebook_client(nb, path, TIMEOUT_S)
    start = time.perf_counter()
    client.execute()
    elapsed = time.perf_counter() - start
    for cell in nb.cells:
        cell.metadata.pop("execution", None)  # timestamps would change on every run
    nbformat.write(nb, path)
    return elapsed


def main(paths: list[str]) -> int:
    if not paths:
        print(__doc__)
        return 2
    for p in paths:
        elapsed = execute(Path(p))
        print(f"executed {p} in {elapsed:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
