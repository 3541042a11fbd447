"""Shipped datasets: where they live, how they are made, and how a load proves the file
is intact.

Every generated dataset shipped in ``datasets/`` is registered here with its generator
and the parameters it was made with (which are its ground truth).
``datasets/manifest.json`` records each file's SHA-256; ``load`` checks it on every
read, and ``regenerate`` rebuilds a file from its seed and updates the manifest.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

#: The repository's ``datasets/`` folder (the package is installed in editable mode from
#: ``src/``).
DATA_DIR = Path(__file__).resolve().parents[3] / "datasets"
MANIFEST_NAME = "manifest.json"


class DatasetError(RuntimeError):
    """A shipped dataset cannot be used as it is; the message says how to regenerate
    it."""


class DatasetMissingError(DatasetError, FileNotFoundError):
    """A shipped dataset's file is not there."""


class DatasetCorruptError(DatasetError):
    """A shipped dataset's file does not match the SHA-256 recorded in the manifest."""


@dataclass(frozen=True)
class ShippedDataset:
    """A generated dataset stored as a CSV file in ``datasets/``."""

    name: str
    generator: Callable[..., pd.DataFrame]
    params: Mapping[str, Any] = field(default_factory=dict)
    description: str = ""

    @property
    def filename(self) -> str:
        return f"{self.name}.csv"

    def generate(self) -> pd.DataFrame:
        return self.generator(**self.params)


SHIPPED: dict[str, ShippedDataset] = {}


def register(dataset: ShippedDataset) -> ShippedDataset:
    """Add a generated dataset to the registry of shipped files."""
    if dataset.name in SHIPPED:
        raise ValueError(f"a dataset named {dataset.name!r} is already registered")
    SHIPPED[dataset.name] = dataset
    return dataset


def _lookup(name: str) -> ShippedDataset:
    if not isinstance(name, str):
        raise TypeError(f"name must be a string; got {type(name).__name__}")
    if name not in SHIPPED:
        raise ValueError(
            f"no shipped dataset named {name!r}; the shipped datasets are "
            f"{sorted(SHIPPED)}"
        )
    return SHIPPED[name]


def _regenerate_hint(name: str) -> str:
    return (
        "regenerate it with `make datasets` "
        f"(or `python -m dsinterview.data regenerate {name}`)"
    )


def sha256_of(path: Path) -> str:
    """The SHA-256 of a file's bytes, as hex."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def read_manifest(data_dir: Path | None = None) -> dict[str, dict[str, Any]]:
    """The manifest of shipped files: name -> file, sha256, rows, columns, generator,
    params."""
    path = Path(data_dir or DATA_DIR) / MANIFEST_NAME
    if not path.exists():
        raise DatasetMissingError(f"{path} is missing; {_regenerate_hint('--all')}")
    return json.loads(path.read_text(encoding="utf-8"))


def write_csv(df: pd.DataFrame, path: Path) -> None:
    """Write a frame the same way on every machine, so that its hash is reproducible."""
    df.to_csv(path, index=False, float_format="%.10g", lineterminator="\n")


def load(name: str, *, data_dir: Path | None = None) -> pd.DataFrame:
    """Load a shipped generated dataset after checking its SHA-256 against the manifest.

    Raises:
        ValueError: if no shipped dataset has that name.
        DatasetMissingError: if the file is not there (the message names it and how to
            regenerate it).
        DatasetCorruptError: if the file's hash differs from the manifest's.
    """
    dataset = _lookup(name)
    data_dir = Path(data_dir or DATA_DIR)
    path = data_dir / dataset.filename
    if not path.exists():
        raise DatasetMissingError(
            f"dataset file {path} is missing; {_regenerate_hint(name)}"
        )
    expected = read_manifest(data_dir).get(name, {}).get("sha256")
    actual = sha256_of(path)
    if actual != expected:
        raise DatasetCorruptError(
            f"dataset file {path} does not match its manifest entry (SHA-256 "
            f"{actual[:12]}..., expected {str(expected)[:12]}...); the file is "
            f"corrupted or stale: {_regenerate_hint(name)}"
        )
    return pd.read_csv(path)


def regenerate(name: str, *, data_dir: Path | None = None) -> Path:
    """Rebuild a shipped dataset from its generator and seed, and record its hash in the
    manifest."""
    dataset = _lookup(name)
    data_dir = Path(data_dir or DATA_DIR)
    data_dir.mkdir(parents=True, exist_ok=True)
    df = dataset.generate()
    path = data_dir / dataset.filename
    write_csv(df, path)
    manifest_path = data_dir / MANIFEST_NAME
    manifest = (
        json.loads(manifest_path.read_text(encoding="utf-8"))
        if manifest_path.exists()
        else {}
    )
    manifest[name] = {
        "file": dataset.filename,
        "sha256": sha256_of(path),
        "rows": int(df.shape[0]),
        "columns": int(df.shape[1]),
        "generator": f"{dataset.generator.__module__}.{dataset.generator.__qualname__}",
        "params": dict(dataset.params),
    }
    manifest_path.write_text(
        json.dumps(dict(sorted(manifest.items())), indent=2) + "\n", encoding="utf-8"
    )
    return path
