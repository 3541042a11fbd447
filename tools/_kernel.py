"""How the authoring tools start a notebook's kernel: the way nbval and `make` do."""

from __future__ import annotations

import os
from pathlib import Path

import nbformat
from nbclient import NotebookClient

# One BLAS/OpenMP thread in the kernel, as `make` sets for every kernel it starts (see
# the Makefile): stored outputs must not depend on the machine's thread count.
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")


def notebook_client(
    nb: nbformat.NotebookNode, path: Path, timeout: int
) -> NotebookClient:
    """A client that runs ``nb`` in a fresh ``python3`` kernel, in the notebook's own
    folder."""
    return NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    )
