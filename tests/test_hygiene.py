"""Notebook hygiene: what nbval does not check but a reproducible, readable book needs.

Every chapter is in the toc and every toc entry exists; each notebook was executed top
to bottom in one kernel run; no stored errors, warnings, memory addresses or machine
paths; kernel python3; the first cell is the chapter's title; no cell relies on a
trailing ';'; the chapter is on the landing page's map; and the chapter keeps the
anatomy of the chapter guide (two-minute answer, scale, pitfalls, exercises with
collapsed solutions, references, glued numbers).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from book import toc_files
from conftest import CHAPTERS, ROOT

from dsinterview.display import GLUE_DIGITS


def _toc_files() -> list[str]:
    return toc_files()


def _load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _code_cells(nb: dict) -> list[dict]:
    return [c for c in nb["cells"] if c["cell_type"] == "code"]


def _markdown(nb: dict) -> str:
    return "\n".join(
        "".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown"
    )


def _where(cell: dict) -> str:
    """Name a code cell the way an author finds it: by its first line."""
    first = next(
        (line for line in "".join(cell["source"]).splitlines() if line.strip()), ""
    )
    return f"the code cell starting {first[:60]!r}"


def _text(output: dict) -> str:
    if "text" in output:
        return "".join(output["text"])
    return "".join(
        "".join(v) if isinstance(v, list) else str(v)
        for k, v in output.get("data", {}).items()
        if k.startswith("text/")
    )


def test_there_are_chapters():
    assert CHAPTERS, "chapters/ holds no notebook"


def test_every_toc_entry_exists():
    for entry in _toc_files():
        candidates = [ROOT / f"{entry}{ext}" for ext in (".md", ".ipynb", "")]
        assert any(c.is_file() for c in candidates), (
            f"_toc.yml lists {entry!r}, which does not exist"
        )


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
class TestChapter:
    def test_listed_in_toc(self, path):
        assert f"chapters/{path.stem}" in _toc_files(), (
            f"{path.name} is not listed in _toc.yml: "
            f"add `- file: chapters/{path.stem}` under one of its parts"
        )

    def test_on_the_landing_page_map(self, path):
        assert f"{{doc}}`chapters/{path.stem}`" in (ROOT / "intro.md").read_text(), (
            f"intro.md's map of questions has no row for {path.name}: add "
            f"| {{doc}}`chapters/{path.stem}` | <the answer in one phrase> |"
        )

    def test_kernel_is_python3(self, path):
        assert _load(path)["metadata"]["kernelspec"]["name"] == "python3"

    def test_first_cell_is_the_title(self, path):
        first = _load(path)["cells"][0]
        assert first["cell_type"] == "markdown", (
            "the first cell must be a Markdown cell with the title"
        )
        assert "".join(first["source"]).startswith("# "), (
            "the first cell must start with '# <title>'"
        )

    def test_executed_top_to_bottom_in_one_run(self, path):
        counts = [
            c["execution_count"]
            for c in _code_cells(_load(path))
            if "".join(c["source"]).strip()
        ]
        assert counts == list(range(1, len(counts) + 1)), (
            f"execution counts are {counts}; "
            f"re-run with `make execute NB=chapters/{path.name}`"
        )

    def test_no_error_outputs(self, path):
        for cell in _code_cells(_load(path)):
            for out in cell.get("outputs", []):
                assert out["output_type"] != "error", (
                    f"{_where(cell)} stores an error: {out.get('ename')}"
                )

    def test_no_warnings_in_outputs(self, path):
        for cell in _code_cells(_load(path)):
            for out in cell.get("outputs", []):
                if out["output_type"] == "stream" and out["name"] == "stderr":
                    assert "Warning" not in _text(out), (
                        f"{_where(cell)} stores a warning: {_text(out)[:200]}"
                    )

    def test_no_unreproducible_outputs(self, path):
        for cell in _code_cells(_load(path)):
            for out in cell.get("outputs", []):
                text = _text(out)
                assert not re.search(r" at 0x[0-9a-f]{6,}", text), (
                    f"{_where(cell)} shows a memory address"
                )
                assert str(ROOT) not in text, (
                    f"{_where(cell)} shows this machine's path {ROOT}"
                )

    def test_no_cell_relies_on_a_trailing_semicolon(self, path):
        """nbval runs cells with store_history=False, where IPython does not honour a
        trailing ';': the hidden value (``<matplotlib.legend.Legend at 0x...>``)
        reappears under test and the outputs differ."""
        for cell in _code_cells(_load(path)):
            lines = [
                line for line in "".join(cell["source"]).splitlines() if line.strip()
            ]
            if lines and not lines[-1].lstrip().startswith("#"):
                assert not lines[-1].rstrip().endswith(";"), (
                    f"{_where(cell)} ends in ';', which nbval does not honour: end a "
                    "plotting cell with plt.show(), or assign the value (_ = ...)"
                )

    def test_glued_numbers_reproduce_on_any_machine(self, path):
        """Glued through dsinterview.glue: no NumPy repr, no more significant digits
        than it keeps."""
        for cell in _code_cells(_load(path)):
            for out in cell.get("outputs", []):
                if "scrapbook" not in out.get("metadata", {}):
                    continue
                name = out["metadata"]["scrapbook"]["name"]
                text = "".join(
                    next(
                        (v for k, v in out["data"].items() if k.endswith("text/plain")),
                        "",
                    )
                )
                assert not text.startswith(("np.", "array(")), (
                    f"{_where(cell)} glues {name!r} as the NumPy repr {text!r}; use "
                    "`from dsinterview import glue`"
                )
                if re.fullmatch(r"-?\d+\.\d*(e[-+]?\d+)?|-?\d+e[-+]?\d+", text):
                    mantissa = (
                        text.lstrip("-").split("e")[0].replace(".", "").strip("0")
                    )
                    assert len(mantissa) <= GLUE_DIGITS, (
                        f"{_where(cell)} glues {name!r} = {text} with more than "
                        f"{GLUE_DIGITS} significant digits; "
                        "use `from dsinterview import glue`, which rounds"
                    )

    def test_keeps_the_chapter_anatomy(self, path):
        nb = _load(path)
        md = _markdown(nb)
        headings = [
            line[3:].strip() for line in md.splitlines() if line.startswith("## ")
        ]
        assert re.search(r":::\{admonition\} The answer in two minutes", md), (
            "no two-minute answer admonition"
        )
        for section in (
            "At streaming scale",
            "Pitfalls and follow-ups",
            "Exercises",
            "References",
        ):
            assert any(h.startswith(section) for h in headings), (
                f"no '## {section}' section"
            )
        assert "{cite" in md, "the chapter cites nothing from references.bib"
        code = "\n".join("".join(c["source"]) for c in _code_cells(nb))
        assert "glue(" in code and "{glue:" in md, (
            "numbers in the prose must be glued from the code"
        )

    def test_every_exercise_has_a_collapsed_solution(self, path):
        md = _markdown(_load(path))
        exercises = re.findall(r":::\{exercise\}\s*\n:label: (\S+)", md)
        solutions = re.findall(r":::\{solution\} (\S+)\s*\n((?::[^\n]*\n)*)", md)
        assert exercises, "the chapter has no exercise"
        assert sorted(exercises) == sorted(label for label, _ in solutions), (
            "each exercise needs one solution"
        )
        for label, options in solutions:
            assert ":class: dropdown" in options, (
                f"the solution to {label} is not collapsed (:class: dropdown)"
            )


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_every_glue_reference_is_glued(path):
    """A {glue:text}`key` that no cell glues fails only in the build: say so here."""
    nb = _load(path)
    glued = {
        out["metadata"]["scrapbook"]["name"]
        for cell in _code_cells(nb)
        for out in cell.get("outputs", [])
        if "scrapbook" in out.get("metadata", {})
    }
    used = set(re.findall(r"\{glue(?::\w+)?\}`([^`:]+)", _markdown(nb)))
    missing = sorted(used - glued)
    assert not missing, (
        f"{path.name} quotes glue keys that no cell glues: {missing}; glue them or fix "
        "the name (and re-execute)"
    )


def test_the_loop_page_comes_first_and_links_every_chapter():
    """'The loop' (the-interview-loop.md) opens the book, before the first numbered
    part, and its study plan links every chapter: with a {doc} link, or, for a chapter
    written on another branch, a `<!-- LINK: chapters/<name> -->` marker to turn into
    one after merging."""
    files = _toc_files()
    assert files[1] == "the-interview-loop", (
        "_toc.yml must list the-interview-loop first, in its own part before the "
        f"first numbered part; it lists {files[1]!r} first"
    )
    page = (ROOT / "the-interview-loop.md").read_text(encoding="utf-8")
    missing = [
        path.stem
        for path in CHAPTERS
        if f"{{doc}}`chapters/{path.stem}`" not in page
        and f"<!-- LINK: chapters/{path.stem} -->" not in page
    ]
    assert not missing, (
        f"the-interview-loop.md does not link {missing}: add each to the study plan "
        "under the round it prepares, as {doc}`chapters/<name>`"
    )


SPARK_CHAPTER = "spark-at-streaming-scale"
#: What counts as talking about Spark: the engine (Spark, PySpark, Spark SQL, MLlib's
#: home), Hive and HiveQL, or Spark code (``spark.``, ``pyspark``).
_SPARK = re.compile(r"\b(?:py)?spark\b|\bhive(?:ql)?\b|\bspark\.", re.IGNORECASE)


def _streaming_scale_section(nb: dict) -> str:
    """The text of the '## At streaming scale' section: its Markdown, from the heading
    to the next '## ' heading, and the code cells in between."""
    parts, inside = [], False
    for cell in nb["cells"]:
        src = "".join(cell["source"])
        if cell["cell_type"] != "markdown":
            if inside:
                parts.append(src)
            continue
        for line in src.splitlines():
            if line.startswith("## "):
                inside = line[3:].startswith("At streaming scale")
            if inside:
                parts.append(line)
    return "\n".join(parts)


@pytest.mark.parametrize(
    "path", [p for p in CHAPTERS if p.stem != SPARK_CHAPTER], ids=lambda p: p.stem
)
def test_streaming_scale_sections_on_spark_link_to_the_spark_chapter(path):
    """A section that shows or names Spark (or Hive) points the reader to the chapter
    where the book runs it on Spark."""
    section = _streaming_scale_section(_load(path))
    if not _SPARK.search(section):
        return
    assert f"{{doc}}`{SPARK_CHAPTER}`" in section, (
        f"{path.name}'s '## At streaming scale' section talks about Spark or Hive but "
        f"does not link to the chapter that runs the book's pipelines on Spark: add "
        f"{{doc}}`{SPARK_CHAPTER}` to its Markdown"
    )


def test_the_spark_link_check_reads_the_section_only():
    nb = {
        "cells": [
            {"cell_type": "markdown", "source": ["## Intro\n", "Spark here\n"]},
            {"cell_type": "markdown", "source": ["## At streaming scale\n", "Hive.\n"]},
            {"cell_type": "code", "source": ["spark.sql('SELECT 1')"]},
            {"cell_type": "markdown", "source": ["more\n", "## Pitfalls\n", "x\n"]},
        ]
    }
    section = _streaming_scale_section(nb)
    assert "Hive." in section and "spark.sql" in section and "more" in section
    assert "Spark here" not in section and "Pitfalls" not in section
    assert _SPARK.search("df = spark.read.parquet(p)")
    assert _SPARK.search("in PySpark") and _SPARK.search("a HiveQL query")
    assert not _SPARK.search("a sparkline") and not _SPARK.search("archive")
