"""The chapter guide's rules, enforced: every chapter, old or new, keeps them or the
suite fails.

- No number is typed by hand in the prose (glue it, or list the phrase in the chapter's
  allowlist).
- Numbers quoted from elsewhere live in dsinterview.facts with a source in
  references.bib.
- Code is formatted and linted by ruff, lines at most 88 characters (notebooks
  included).
- The page reads as an answer: figure-only cells hide their input, show_source output is
  collapsed, every figure has a caption and alt text and is sharp on a high-density
  screen.
- The two-minute answer is two minutes (at most 300 words).

Each failure names the chapter, the cell (as Jupyter numbers them, from 1) and the fix.
"""

from __future__ import annotations

import json
import re
import shutil
import struct
import subprocess
import sys
from base64 import b64decode
from pathlib import Path

import pytest
import yaml
from conftest import CHAPTERS, ROOT
from prose_rules import hand_typed_numbers, has_image, is_plot_only, two_minute_words

ALLOWLIST_FILE = ROOT / "tests" / "prose_numbers_allowlist.yml"
MAX_TWO_MINUTE_WORDS = 300  # two minutes spoken at 150 words a minute
MIN_FIGURE_DPI = 150


def _load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _allowlist() -> dict[str, list[str]]:
    data = yaml.safe_load(ALLOWLIST_FILE.read_text(encoding="utf-8")) or {}
    assert isinstance(data, dict), (
        f"{ALLOWLIST_FILE.name} must map chapter names to phrases"
    )
    return {k: list(v or []) for k, v in data.items()}


def _cells(path: Path, kind: str):
    for number, cell in enumerate(_load(path)["cells"], start=1):
        if cell["cell_type"] == kind:
            yield number, cell


def _source(cell: dict) -> str:
    return "".join(cell["source"])


# --- the rules themselves, on small examples ------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "we measured 0.8123 here",
        "about 21% better",
        "the lasso is 3x faster",
        "It took 1,234 iterations.",
        "| method | error |\n|---|---|\n| OLS | 12.5 |",
        "a loss of -0.25",
        "over 20 seeds",
        # after a directive option, the body is still prose (one option line is removed,
        # not the rest of the cell)
        ":::{admonition} The answer\n:class: tip\n\nwe measured 0.81 here\n:::",
        "## A heading\n\nthe heading's line goes, the 12 below it stays",
    ],
)
def test_a_hand_typed_number_is_flagged(text):
    assert hand_typed_numbers(text), f"not flagged: {text!r}"


@pytest.mark.parametrize(
    "text",
    [
        "the lasso sets {glue:text}`n_zero` coefficients to zero",
        "about {glue:text}`gain:.0%` better",
        "L1 and L2 penalties, F1 score, the p99 of play delay, log2 of n",
        "as {cite:t}`tibshirani1996regression` showed in 1996",
        "a rate of $\\lambda = 0.5$ and $$x^2 + 1$$",
        "call `lasso(X, y, alpha=0.1)` and ``a`b``",
        "see [the 2 docs](https://example.org/v2/page) and <https://x.org/1>",
        "## 3.2 Why five million queries\n\nSee {numref}`fig-1`.",
        ":::{exercise}\n:label: ex-sql-2\n\nWrite the query.\n:::",
        "1. first step\n2. second step",
        "k-fold cross-validation, Algorithm R, five million rows",
        "(my-target)=\n# Title",
    ],
)
def test_what_is_not_a_hand_typed_number(text):
    assert hand_typed_numbers(text) == []


def test_an_allowlisted_phrase_is_not_flagged():
    assert hand_typed_numbers("the 30-minute timeout", ["30-minute timeout"]) == []
    assert hand_typed_numbers(
        "the 30-minute timeout, 40 minutes", ["30-minute timeout"]
    )


def test_two_minute_words_counts_the_admonition_body_only():
    md = (
        "Intro words here.\n\n:::{admonition} The answer in two minutes\n:class: "
        "tip\n\n"
        "One two three {glue:text}`x:.2f` four $a+b$.\n:::\n\nAfter."
    )
    assert two_minute_words(md) == 6
    assert two_minute_words("no admonition") is None


def test_plot_only_detection():
    image = {
        "output_type": "display_data",
        "data": {"image/png": "", "text/plain": "<Figure>"},
    }
    table = {"output_type": "execute_result", "data": {"text/html": "<table>"}}
    text = {"output_type": "stream", "name": "stdout", "text": "x"}
    assert is_plot_only({"outputs": [image]})
    assert is_plot_only({"outputs": [image, image]})
    assert not is_plot_only({"outputs": [image, text]})
    assert not is_plot_only({"outputs": [table]})
    assert not is_plot_only({"outputs": []})


# --- every chapter --------------------------------------------------------------------


def test_the_allowlist_names_only_chapters_that_exist():
    stems = {p.stem for p in CHAPTERS}
    unknown = sorted(set(_allowlist()) - stems)
    assert not unknown, (
        f"{ALLOWLIST_FILE.name} lists chapters that do not exist: {unknown}"
    )


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
class TestChapterRules:
    def test_no_hand_typed_numbers_in_prose(self, path):
        allowed = _allowlist().get(path.stem, [])
        problems = []
        for number, cell in _cells(path, "markdown"):
            for finding in hand_typed_numbers(_source(cell), allowed):
                problems.append(f"  cell {number}: {finding}")
        assert not problems, (
            f"{path.name} types numbers by hand in its prose:\n"
            + "\n".join(problems)
            + "\nGlue each one from the code (glue('name', value) and "
            "{glue:text}`name`), write a constant of the question in words, or, for a "
            f"number that names something, add the phrase under '{path.stem}' in "
            f"tests/{ALLOWLIST_FILE.name} with a comment."
        )

    def test_allowlisted_phrases_still_occur(self, path):
        md = "\n".join(_source(c) for _, c in _cells(path, "markdown"))
        stale = [p for p in _allowlist().get(path.stem, []) if p not in md]
        assert not stale, (
            f"tests/{ALLOWLIST_FILE.name} allows {stale} for {path.name}, which no "
            "longer says "
            "them: remove the entries"
        )

    def test_two_minute_answer_is_two_minutes(self, path):
        counts = [
            (number, n)
            for number, cell in _cells(path, "markdown")
            if (n := two_minute_words(_source(cell))) is not None
        ]
        assert counts, (
            f"{path.name} has no ':::{{admonition}} The answer in two minutes'"
        )
        for number, n in counts:
            assert n <= MAX_TWO_MINUTE_WORDS, (
                f"{path.name} cell {number}: the two-minute answer has {n} words; two "
                "minutes "
                f"spoken is {MAX_TWO_MINUTE_WORDS}. Cut it and move the detail to the "
                "worked answer."
            )

    def test_figure_only_cells_hide_their_input(self, path):
        for number, cell in _cells(path, "code"):
            if is_plot_only(cell):
                tags = cell.get("metadata", {}).get("tags", [])
                assert {"hide-input", "remove-input"} & set(tags), (
                    f"{path.name} cell {number} only draws a figure: add the cell tag "
                    "'hide-input' so the page reads as prose with results"
                )

    def test_show_source_output_is_collapsed(self, path):
        for number, cell in _cells(path, "code"):
            if re.search(r"^\s*show_source\(", _source(cell), re.MULTILINE):
                tags = cell.get("metadata", {}).get("tags", [])
                assert {"hide-output", "remove-output"} & set(tags), (
                    f"{path.name} cell {number} shows a listing with show_source: add "
                    "the cell "
                    "tag 'hide-output' so it is collapsed behind a toggle"
                )

    def test_every_figure_has_a_caption_and_alt_text(self, path):
        for number, cell in _cells(path, "code"):
            if not has_image(cell):
                continue
            mystnb = cell.get("metadata", {}).get("mystnb", {})
            caption = str(mystnb.get("figure", {}).get("caption", "")).strip()
            alt = str(mystnb.get("image", {}).get("alt", "")).strip()
            fix = (
                'set the cell metadata {"mystnb": {"figure": {"caption": "<what to '
                'see>"}, '
                '"image": {"alt": "<what the figure shows>"}}}'
            )
            assert len(caption.split()) >= 4, (
                f"{path.name} cell {number}: no caption; {fix}"
            )
            assert len(alt.split()) >= 4, (
                f"{path.name} cell {number}: no alt text; {fix}"
            )
            assert not re.search(r"\.(png|svg|jpe?g)\b", alt), (
                f"{path.name} cell {number}: the alt text {alt!r} is a file name; say "
                "what the "
                "figure shows"
            )

    def test_figures_are_sharp_on_a_high_density_screen(self, path):
        for number, cell in _cells(path, "code"):
            for out in cell.get("outputs", []):
                png = out.get("data", {}).get("image/png")
                if not png:
                    continue
                dpi = _png_dpi(
                    b64decode("".join(png) if isinstance(png, list) else png)
                )
                assert dpi is not None and dpi >= MIN_FIGURE_DPI - 1, (
                    f"{path.name} cell {number}: a figure rendered at {dpi} dpi; the "
                    "book needs "
                    f"at least {MIN_FIGURE_DPI} (dsinterview.use_book_style sets it; "
                    "re-execute)"
                )


def _png_dpi(data: bytes) -> float | None:
    """The resolution a PNG records in its pHYs chunk (matplotlib writes the figure's
    dpi there)."""
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        return None
    pos = 8
    while pos + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[pos : pos + 8])
        if kind == b"pHYs":
            x, _, unit = struct.unpack(">IIB", data[pos + 8 : pos + 17])
            return x * 0.0254 if unit == 1 else None
        if kind == b"IDAT":
            return None
        pos += 12 + length
    return None


# --- cited numbers --------------------------------------------------------------------


def test_every_fact_cites_an_entry_of_the_bibliography():
    from dsinterview.facts import FACTS

    keys = set(re.findall(r"@\w+\{([^,\s]+),", (ROOT / "references.bib").read_text()))
    for name, fact in FACTS.items():
        assert fact.source in keys, (
            f"dsinterview.facts.FACTS[{name!r}] cites {fact.source!r}, which "
            "references.bib "
            "does not have: add the entry"
        )
        assert fact.unit.strip() and fact.what.strip(), (
            f"fact {name!r} needs a unit and a what"
        )


def test_fact_lookup_and_refusals():
    from dsinterview.facts import fact

    with pytest.raises(KeyError, match="no fact called 'nope'"):
        fact("nope")
    with pytest.raises(TypeError, match="name must be a string"):
        fact(3)


# --- code style -----------------------------------------------------------------------


def _ruff() -> list[str]:
    exe = Path(sys.executable).with_name("ruff")
    if exe.exists():
        return [str(exe)]
    found = shutil.which("ruff")
    assert found, "ruff is not installed: run make venv"
    return [found]


def test_code_is_formatted_by_ruff():
    run = subprocess.run(
        [*_ruff(), "format", "--check", "--diff", "."],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, (
        "ruff format would change these files (run `make format`):\n"
        + run.stdout[-4000:]
    )


def test_code_passes_ruff_check():
    run = subprocess.run(
        [*_ruff(), "check", "--output-format", "concise", "."],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, (
        "ruff check found problems (lines longer than 88 characters, unused imports, "
        "...); "
        "`make format` fixes what it can:\n" + run.stdout[-4000:]
    )
