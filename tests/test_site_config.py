"""The site's configuration keeps its promises without a build: no dead buttons, maths
served locally, downloads on."""

from __future__ import annotations

import re

import yaml
from conftest import ROOT

CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
HTML = CONFIG.get("html", {})
SPHINX = CONFIG.get("sphinx", {}).get("config", {})


def test_repository_buttons_only_with_a_real_repository():
    url = (CONFIG.get("repository") or {}).get("url", "")
    if HTML.get("use_repository_button") or HTML.get("use_issues_button"):
        assert re.fullmatch(
            r"https://(github|gitlab)\.com/[\w.-]+/[\w.-]+", url or ""
        ), (
            "the repository and issue buttons are on, but repository.url is not a "
            f"repository's address ({url!r}): set it, or turn the buttons off"
        )


def test_no_launch_buttons_without_an_environment_for_them():
    launch = CONFIG.get("launch_buttons") or {}
    on = [k for k in ("binderhub_url", "colab_url", "jupyterhub_url") if launch.get(k)]
    has_env = (ROOT / "binder").is_dir() or (ROOT / "environment.yml").is_file()
    assert not on or has_env, (
        f"launch buttons {on} open notebooks that import dsinterview, which nothing "
        "installs there: add binder/ with the environment (and a Colab install step), "
        "or remove the buttons"
    )


def test_maths_is_served_by_the_site():
    path = SPHINX.get("mathjax_path", "")
    assert path and not re.match(r"(https?:)?//", path), (
        f"mathjax_path is {path!r}: serve MathJax from the built site, not a CDN"
    )
    assert "sphinx-mathjax-offline" in CONFIG["sphinx"]["extra_extensions"]


def test_notebooks_can_be_downloaded():
    assert HTML.get("use_download_button") is True


def test_bibliography_parses_and_has_no_duplicate_keys():
    import re as _re

    from pybtex.database import parse_file

    text = (ROOT / "references.bib").read_text(encoding="utf-8")
    keys = _re.findall(r"^@\w+\{([^,\s]+),", text, flags=_re.MULTILINE)
    duplicates = sorted({k for k in keys if keys.count(k) > 1})
    assert not duplicates, f"references.bib defines these keys twice: {duplicates}"
    entries = parse_file(str(ROOT / "references.bib")).entries
    assert len(entries) == len(keys), "references.bib has an entry pybtex cannot read"
