"""Execute each chapter in a fresh kernel and report its wall time and peak memory.

    .venv/bin/python tools/bench.py chapters/*.ipynb [--csv _build/bench.csv]

Wall time covers executing the notebook's cells (not starting the kernel). Peak memory
is the kernel's peak resident set size plus that of the processes it started, read
inside the kernel after the last cell: those that have ended through ``getrusage``,
those still running (Spark's JVM) through the peak resident size Linux keeps for each
process (``VmHWM``). The sum of separate peaks can exceed the peak of the sum, so a
chapter with a live child is measured from above. A chapter over the budget of the
chapter guide (30 s, 2 GB) is flagged, and the exit code is 1.
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from pathlib import Path

import nbformat
from _kernel import notebook_client

BUDGET_S = 30.0
BUDGET_MB = 2048.0
PEAK_RSS_CELL = """\
import os as _os
import resource as _r


def _live_peak_kb(pid):
    # peak RSS (kB) of pid's live descendants, from /proc (Linux); 0 elsewhere
    total = 0
    try:
        for task in _os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as f:
                for child in f.read().split():
                    with open(f"/proc/{child}/status") as g:
                        for line in g:
                            if line.startswith("VmHWM:"):
                                total += int(line.split()[1])
                    total += _live_peak_kb(child)
    except OSError:
        pass
    return total


print(
    (
        max(
            _r.getrusage(_r.RUSAGE_SELF).ru_maxrss,
            _r.getrusage(_r.RUSAGE_CHILDREN).ru_maxrss,
        )
        + _live_peak_kb(_os.getpid())
    )
    / 1024
)
"""


def bench(path: Path) -> tuple[float, float]:
    nb = nbformat.read(path, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(PEAK_RSS_CELL))
    client = notebook_client(nb, path, timeout=600)
    with client.setup_kernel():
        start = time.perf_counter()
        for index, cell in enumerate(nb.cells[:-1]):
            client.execute_cell(cell, index)
        wall = time.perf_counter() - start
        client.execute_cell(nb.cells[-1], len(nb.cells) - 1)
    peak_mb = float(nb.cells[-1].outputs[0]["text"].strip())
    return wall, peak_mb


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="+", type=Path)
    parser.add_argument("--csv", type=Path, help="also write the table as CSV here")
    args = parser.parse_args()

    rows = []
    print(f"{'chapter':<45} {'wall s':>8} {'peak MB':>9}")
    for path in args.notebooks:
        wall, peak = bench(path)
        over = wall > BUDGET_S or peak > BUDGET_MB
        rows.append(
            {
                "chapter": path.stem,
                "wall_s": round(wall, 2),
                "peak_mb": round(peak, 1),
                "over_budget": over,
            }
        )
        print(
            f"{path.stem:<45} {wall:>8.2f} "
            f"{peak:>9.1f}{'  OVER BUDGET' if over else ''}",
            flush=True,
        )
    total = sum(r["wall_s"] for r in rows)
    print(f"{'total':<45} {total:>8.2f} {max(r['peak_mb'] for r in rows):>9.1f}")
    if args.csv:
        args.csv.parent.mkdir(parents=True, exist_ok=True)
        with args.csv.open("w", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
        print(f"wrote {args.csv}")
    return 1 if any(r["over_budget"] for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
