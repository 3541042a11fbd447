"""The built site as a reader meets it: offline, in a real browser, at phone and laptop
widths.

For every page: it loads with no request to a non-local address and no JavaScript error
(but the short list of known-harmless ones below); every formula is typeset; every image
has alt text that is not a file name. For the site: search finds the L1/L2 chapter, the
navigation toggles open and close at 400, 900 and 1400 px, exercise solutions stay
collapsed until clicked, dark mode switches.
"""

from __future__ import annotations

import re
import time
from html.parser import HTMLParser
from urllib.parse import urlparse

import pytest
from book import toc_files
from conftest import SITE, requested_urls

LOCAL_HOSTS = {"127.0.0.1", "localhost", ""}

# JavaScript console errors that do the reader no harm, each with why.
KNOWN_HARMLESS = [
    # sphinx-book-theme and sphinx-thebe both emit Thebe's inline config, so the second
    # `let THEBE_JS_URL` is a redeclaration. Thebe is never activated (no launch
    # buttons).
    "Identifier 'THEBE_JS_URL' has already been declared",
    # pydata-sphinx-theme on a first visit with no stored colour mode; it falls back to
    # auto.
    "Got invalid theme mode",
]


def _pages() -> list[str]:
    """The book's pages: every toc entry, plus the search and index pages (not whatever
    else an earlier build left in the output folder)."""
    pages = [f"{e}.html" for e in toc_files()]
    pages += ["search.html", "genindex.html", "index.html"]
    return sorted(p for p in pages if (SITE / p).is_file())


PAGES = _pages()
# index.html is only a redirect to intro.html, with nothing to read.
READABLE = [
    p for p in PAGES if "http-equiv" not in (SITE / p).read_text(encoding="utf-8")[:999]
]


def _wait(driver, script, timeout=15.0, what="condition"):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = driver.execute_script(script)
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


def _open(driver, url):
    driver.get(url)
    # MathJax is deferred; its startup promise resolves once every formula is typeset.
    status = driver.execute_async_script(
        """
        const done = arguments[arguments.length - 1];
        if (!window.MathJax || !MathJax.startup || !MathJax.startup.promise) {
          done("no MathJax on the page");
        } else {
          MathJax.startup.promise.then(() => done("ok"), (e) => done("MathJax: " + e));
        }
        """
    )
    return status


# --- without a browser: nothing in the HTML points outside ----------------------------


class _Assets(HTMLParser):
    """The URLs a page loads by itself (scripts, styles, images, frames, icons,
    fonts)."""

    def __init__(self):
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("script", "img", "iframe", "source", "embed") and attrs.get("src"):
            self.urls.append(attrs["src"])
        if tag == "link" and attrs.get("href"):
            rel = (attrs.get("rel") or "").lower()
            if any(
                r in rel for r in ("stylesheet", "preload", "icon", "modulepreload")
            ):
                self.urls.append(attrs["href"])


def test_there_are_pages():
    assert "intro.html" in PAGES and any(p.startswith("chapters/") for p in PAGES), (
        PAGES
    )


@pytest.mark.parametrize("page", PAGES)
def test_no_page_loads_anything_from_outside(page):
    parser = _Assets()
    parser.feed((SITE / page).read_text(encoding="utf-8"))
    outside = [u for u in parser.urls if urlparse(u).scheme in ("http", "https", "")]
    outside = [u for u in outside if u.startswith(("http:", "https:", "//"))]
    assert not outside, f"{page} loads from outside the site: {outside}"


# --- every page, in the browser -------------------------------------------------------


@pytest.mark.parametrize("page", READABLE)
def test_page_reads_offline(browser, base_url, page):
    browser.get_log("browser")
    requested_urls(browser)  # drain both logs
    status = _open(browser, f"{base_url}/{page}")
    assert status == "ok", f"{page}: {status}"

    external = [
        u
        for u in requested_urls(browser)
        if urlparse(u).scheme in ("http", "https", "ws", "wss")
        and urlparse(u).hostname not in LOCAL_HOSTS
    ]
    assert not external, f"{page} asked for non-local addresses: {external}"

    errors = [
        e["message"]
        for e in browser.get_log("browser")
        if e["level"] == "SEVERE" and not any(k in e["message"] for k in KNOWN_HARMLESS)
    ]
    assert not errors, f"{page}: JavaScript errors or failed requests: {errors}"

    maths = browser.execute_script(
        """
        const all = [...document.querySelectorAll('.math')];
        const raw = [];
        const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT, {
          acceptNode: (n) => n.parentElement.closest(
            'pre, code, script, style, textarea, mjx-container, .highlight, '
            + '.cell_output'
          ) ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT,
        });
        while (walker.nextNode()) {
          const t = walker.currentNode.nodeValue;
          if (/\\\\\\(|\\\\\\[|\\$\\$/.test(t)) raw.push(t.trim().slice(0, 80));
        }
        return {
          math: all.length,
          typeset: all.filter((m) => m.querySelector('mjx-container')).length,
          errors: document.querySelectorAll('mjx-merror').length,
          raw: raw,
        };
        """
    )
    assert maths["typeset"] == maths["math"], (
        f"{page}: {maths['math'] - maths['typeset']} of {maths['math']} formulas "
        "not typeset"
    )
    assert maths["errors"] == 0, f"{page}: {maths['errors']} MathJax errors"
    assert not maths["raw"], f"{page}: raw TeX left in the text: {maths['raw'][:5]}"

    images = browser.execute_script(
        "return [...document.images].map((i) => [i.getAttribute('src'), i.alt || ''])"
    )
    for src, alt in images:
        assert alt.strip(), f"{page}: the image {src} has no alt text"
        assert not re.search(r"(\.(png|svg|jpe?g|gif)$)|_images/", alt.strip()), (
            f"{page}: the image {src} has a file name for alt text: {alt!r}"
        )


# --- once for the site ----------------------------------------------------------------


def test_search_finds_the_lasso_chapter(browser, base_url):
    browser.get(f"{base_url}/search.html?q=lasso")
    links = _wait(
        browser,
        "const r = [...document.querySelectorAll('#search-results li a')];"
        "return r.length ? r.map((a) => a.getAttribute('href')) : null;",
        what="search results for 'lasso'",
    )
    assert any("l1-vs-l2-regularization" in href for href in links), links


def _set_width(driver, width):
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": width < 600},
    )


def _visible_toggle(driver, side):
    return driver.execute_script(
        f"""return [...document.querySelectorAll('.{side}-toggle')]
              .find((b) => b.offsetParent !== null
                           && b.getBoundingClientRect().width > 0)
              || null;"""
    )


def _sidebar_state_js(side):
    """JS for where the reader sees a sidebar: 'dialog' (open as a modal, narrow
    screens), 'shown' (in the page), 'hidden'."""
    return f"""(() => {{
        const dialog = document.getElementById('pst-{side}-sidebar-modal');
        if (dialog && dialog.open) return 'dialog';
        const bar = document.getElementById('pst-{side}-sidebar');
        if (!bar) return 'none';
        const box = bar.getBoundingClientRect();
        const style = getComputedStyle(bar);
        const seen = box.width > 50 && style.visibility !== 'hidden'
            && style.display !== 'none' && box.right > 0
            && box.left < window.innerWidth;
        return seen ? 'shown' : 'hidden';
    }})()"""


@pytest.mark.parametrize("width", [400, 900, 1400])
@pytest.mark.parametrize("side", ["primary", "secondary"])
def test_navigation_toggles_open_and_close(browser, base_url, width, side):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    state = _sidebar_state_js(side)
    _set_width(browser, width)
    try:
        _open(browser, f"{base_url}/chapters/logistic-regression.html")
        before = browser.execute_script(f"return {state};")
        button = _visible_toggle(browser, side)
        if button is None:
            # Wide screens show the page contents beside the text, with no toggle to
            # press.
            assert side == "secondary" and width >= 1200 and before == "shown", (
                f"no visible {side} toggle at {width} px, and the sidebar is {before}"
            )
            return
        button.click()
        after = _wait(
            browser,
            f"const s = {state}; return s !== {before!r} ? s : null;",
            timeout=5,
            what=f"the {side} toggle to change the sidebar at {width} px ({before})",
        )
        # Close it again as a reader would: Escape closes the dialog, a second click on
        # the toggle restores a sidebar that was hidden in the page.
        if after == "dialog":
            ActionChains(browser).send_keys(Keys.ESCAPE).perform()
        else:
            _visible_toggle(browser, side).click()
        _wait(
            browser,
            f"return {state} === {before!r};",
            timeout=5,
            what=f"the {side} sidebar to return to {before} at {width} px",
        )
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def test_phone_sidebar_lists_the_chapters(browser, base_url):
    _set_width(browser, 400)
    try:
        _open(browser, f"{base_url}/chapters/logistic-regression.html")
        _visible_toggle(browser, "primary").click()
        links = _wait(
            browser,
            """const d = document.getElementById('pst-primary-sidebar-modal');
               if (!d || !d.open) return null;
               const a = [...d.querySelectorAll('a.reference')]
                 .filter((x) => x.offsetParent !== null);
               return a.length ? a.map((x) => x.textContent.trim()) : null;""",
            timeout=5,
            what="the chapter list at 400 px",
        )
        assert any("Logistic" in t or "logistic" in t for t in links), links
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def test_solutions_are_collapsed_until_clicked(browser, base_url):
    _open(browser, f"{base_url}/chapters/logistic-regression.html")
    state = """const s = document.querySelector('.solution.dropdown');
               const body = [...s.children]
                 .find((c) => !c.classList.contains('admonition-title'));
               return [s.classList.contains('toggle-hidden'),
                       body ? body.getBoundingClientRect().height : -1];"""
    hidden, height = browser.execute_script(state)
    assert hidden and height == 0, "an exercise solution is shown before it is clicked"
    browser.execute_script(
        "document.querySelector('.solution.dropdown .admonition-title')"
        ".scrollIntoView()"
    )
    browser.execute_script(
        "document.querySelector('.solution.dropdown .toggle-button').click()"
    )
    _wait(
        browser,
        f"const r = (() => {{{state}}})(); return !r[0] && r[1] > 0;",
        what="the solution to open",
    )


def test_dark_mode_switches(browser, base_url):
    _open(browser, f"{base_url}/intro.html")
    # Start from "auto" (light when headless); the switch cycles auto, dark, light.
    browser.execute_script("localStorage.setItem('mode', 'auto'); location.reload()")
    _wait(
        browser,
        "return document.documentElement.dataset.theme === 'light';",
        what="light mode",
    )
    browser.execute_script("document.querySelector('.theme-switch-button').click()")
    theme = _wait(
        browser,
        "const t = document.documentElement.dataset.theme;"
        "return t !== 'light' ? t : null;",
        what="the theme to change",
    )
    assert theme == "dark", theme
    bg = browser.execute_script(
        "return getComputedStyle(document.body).backgroundColor"
    )
    channels = [int(x) for x in re.findall(r"\d+", bg)[:3]]
    assert sum(channels) < 3 * 128, f"dark mode left a light background: {bg}"
    browser.execute_script("localStorage.removeItem('mode')")


def test_execution_status_page_lists_the_chapters_runs(site):
    html = (site / "execution-status.html").read_text(encoding="utf-8")
    assert "Run Time" in html and "Status" in html, "no execution table on the page"
    # `make book` executes the chapters and fills the table; the check copy that
    # `make test` builds renders stored outputs, so its table has no rows to show.
    if "_build/test" not in str(site):
        assert "chapters/" in html, "the execution table lists no chapter"
