"""Dataset integrity: the manifest, the shipped files, regeneration from seeds, and the
loaders' errors."""

from __future__ import annotations

import shutil

import numpy as np
import pandas as pd
import pytest

from dsinterview import data
from dsinterview.data import __main__ as cli
from dsinterview.data._registry import MANIFEST_NAME


def test_manifest_lists_exactly_the_registered_datasets():
    assert set(data.read_manifest()) == set(data.SHIPPED)


def test_every_file_in_datasets_is_accounted_for():
    manifest_files = {entry["file"] for entry in data.read_manifest().values()}
    on_disk = {p.name for p in data.DATA_DIR.iterdir() if p.is_file()} - {
        "README.md",
        MANIFEST_NAME,
    }
    assert on_disk == manifest_files


def test_every_shipped_dataset_has_a_data_card():
    cards = (data.DATA_DIR / "README.md").read_text()
    for name in data.SHIPPED:
        assert f"`{name}`" in cards, f"datasets/README.md has no data card for {name!r}"


@pytest.mark.parametrize("name", sorted(data.SHIPPED))
def test_shipped_file_matches_manifest(name):
    entry = data.read_manifest()[name]
    assert data.sha256_of(data.DATA_DIR / entry["file"]) == entry["sha256"]
    df = data.load(name)
    assert df.shape == (entry["rows"], entry["columns"])


@pytest.mark.parametrize("name", sorted(data.SHIPPED))
def test_regenerating_from_the_seed_reproduces_the_file(name, tmp_path):
    data.regenerate(name, data_dir=tmp_path)
    fresh = data.read_manifest(tmp_path)[name]
    shipped = data.read_manifest()[name]
    assert fresh == shipped, (
        "the generator no longer reproduces the shipped file; run `make datasets`"
    )


@pytest.fixture
def copy_of_datasets(tmp_path):
    for p in data.DATA_DIR.iterdir():
        if p.is_file():
            shutil.copy(p, tmp_path / p.name)
    return tmp_path


def test_missing_file_names_the_file_and_the_fix(copy_of_datasets):
    (copy_of_datasets / "correlated_regression.csv").unlink()
    with pytest.raises(
        data.DatasetMissingError,
        match=r"correlated_regression\.csv is missing.*make datasets",
    ):
        data.load("correlated_regression", data_dir=copy_of_datasets)


def test_missing_file_is_also_a_file_not_found_error(copy_of_datasets):
    (copy_of_datasets / "correlated_regression.csv").unlink()
    with pytest.raises(FileNotFoundError):
        data.load("correlated_regression", data_dir=copy_of_datasets)


def test_corrupted_file_names_the_file_and_the_fix(copy_of_datasets):
    path = copy_of_datasets / "correlated_regression.csv"
    path.write_text(path.read_text().replace("1", "7", 1))
    with pytest.raises(
        data.DatasetCorruptError,
        match=r"correlated_regression\.csv does not match.*regenerate",
    ):
        data.load("correlated_regression", data_dir=copy_of_datasets)


def test_missing_manifest_is_reported(copy_of_datasets):
    (copy_of_datasets / MANIFEST_NAME).unlink()
    with pytest.raises(data.DatasetMissingError, match="manifest.json is missing"):
        data.load("correlated_regression", data_dir=copy_of_datasets)


def test_unknown_dataset_lists_the_known_ones():
    with pytest.raises(
        ValueError, match="no shipped dataset named 'nope'.*correlated_regression"
    ):
        data.load("nope")
    with pytest.raises(TypeError, match="name must be a string"):
        data.load(3)


def test_registering_a_name_twice_is_refused():
    with pytest.raises(ValueError, match="already registered"):
        data.register(data.SHIPPED["correlated_regression"])


def test_cli_verify_passes_on_the_shipped_files(capsys):
    assert cli.main(["verify"]) == 0
    assert "ok      correlated_regression" in capsys.readouterr().out


def test_cli_regenerate_needs_a_name():
    with pytest.raises(SystemExit):
        cli.main(["regenerate"])


# --- the correlated-regression generator honours its parameters -----------------------


def test_correlated_regression_has_the_planted_structure():
    df = data.make_correlated_regression(
        n_samples=20_000, rho=0.9, noise_sd=0.5, seed=1
    )
    corr = df.corr()
    assert corr.loc["g1_a", "g1_b"] == pytest.approx(0.9, abs=0.01)
    assert abs(corr.loc["g1_a", "g2_a"]) < 0.03
    beta = data.correlated_regression_coefficients()
    X = np.column_stack([np.ones(len(df)), df[beta.index].to_numpy()])
    coef = np.linalg.lstsq(X, df["y"].to_numpy(), rcond=None)[0][1:]
    np.testing.assert_allclose(coef, beta.to_numpy(), atol=0.05)
    residual_sd = np.std(
        df["y"].to_numpy() - X @ np.linalg.lstsq(X, df["y"].to_numpy(), rcond=None)[0]
    )
    assert residual_sd == pytest.approx(0.5, rel=0.02)


def test_correlated_regression_is_deterministic():
    pd.testing.assert_frame_equal(
        data.make_correlated_regression(seed=5), data.make_correlated_regression(seed=5)
    )
    assert not data.make_correlated_regression(seed=5).equals(
        data.make_correlated_regression(seed=6)
    )


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"rho": 1.0}, ValueError, r"rho must be in \[0, 1\)"),
        ({"rho": -0.1}, ValueError, "rho must be at least 0"),
        ({"n_samples": 1}, ValueError, "n_samples must be at least 2"),
        ({"n_samples": 2.5}, TypeError, "n_samples must be an integer"),
        ({"coef": (1.0,)}, ValueError, "coef must have one entry per group"),
        ({"group_size": 27}, ValueError, "group_size must be at most 26"),
        ({"noise_sd": float("nan")}, ValueError, "noise_sd must be finite"),
    ],
)
def test_correlated_regression_refuses_bad_parameters(kwargs, error, message):
    with pytest.raises(error, match=message):
        data.make_correlated_regression(**kwargs)


# --- real data shipped inside installed packages --------------------------------------


def test_diabetes_in_original_units():
    df = data.load_diabetes()
    assert df.shape == (442, 11)
    assert {
        "age",
        "bmi",
        "bp",
        "tc",
        "ldl",
        "hdl",
        "tch",
        "ltg",
        "glu",
        "target",
    } <= set(df.columns)
    assert df["age"].between(18, 80).all()  # years, not the pre-scaled copy
    assert data.load_diabetes(scaled=True)["age"].abs().max() < 1


def test_hitters_keeps_players_with_a_salary():
    df = data.load_hitters()
    assert df.shape[0] == 263 and df["Salary"].notna().all()
    assert not df.index.str.startswith("-").any()


def test_movielens_and_spector():
    ml = data.load_movielens()
    assert {"userId", "movieId", "rating", "title"} <= set(ml.columns) and len(
        ml
    ) > 90_000
    assert ml["rating"].between(0.5, 5).all()
    assert data.load_spector().shape == (32, 4)


def test_rdataset_refusals():
    with pytest.raises(ValueError, match="no package 'NoSuchPackage'"):
        data.load_rdataset("NoSuchPackage", "x")
    with pytest.raises(ValueError, match="has no item 'NoSuchItem'"):
        data.load_rdataset("ISLR", "NoSuchItem")
    with pytest.raises(TypeError, match="must be strings"):
        data.load_rdataset("ISLR", 3)
