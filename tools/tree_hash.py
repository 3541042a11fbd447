"""Print a short SHA-256 over files and folders (their paths and bytes), for the
Makefile's stamps.

    # the environment's stamp
    python tools/tree_hash.py requirements.lock pyproject.toml
    # what the notebooks import
    python tools/tree_hash.py src datasets

Bytecode caches and Markdown (data cards, READMEs) are left out: they do not change what
a notebook computes. Standard library only, so the system Python runs it before .venv
exists, on any OS.
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path


def tree_hash(paths: list[str]) -> str:
    digest = hashlib.sha256()
    for root in map(Path, paths):
        files = sorted(root.rglob("*")) if root.is_dir() else [root]
        for f in files:
            if (
                f.is_file()
                and "__pycache__" not in f.parts
                and f.suffix not in {".pyc", ".md"}
            ):
                digest.update(f.as_posix().encode() + b"\0" + f.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


if __name__ == "__main__":
    print(tree_hash(sys.argv[1:]))
