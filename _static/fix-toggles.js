// Navigation at every width: a shim for pydata-sphinx-theme 0.17.1 under sphinx-book-theme 1.3.0.
//
// PST binds its sidebar handlers to document.querySelector(".primary-toggle") and
// (".secondary-toggle"): the first match, which is a hidden button in PST's own header, not the
// button sphinx-book-theme shows. The visible hamburger (chapter list) and the page-contents button
// then do nothing at phone and tablet widths. Known upstream: pydata/pydata-sphinx-theme#2451 and
// executablebooks/sphinx-book-theme#988. Until a release of both fixes it, forward a click on any
// other toggle to the one PST listens to. Remove this file when the themes are upgraded past it
// (tests/site/test_site.py checks the toggles at 400, 900 and 1400 px either way).
document.addEventListener("DOMContentLoaded", () => {
  ["primary", "secondary"].forEach((side) => {
    const toggles = document.querySelectorAll(`.${side}-toggle`);
    const bound = toggles[0];
    toggles.forEach((button) => {
      if (button === bound) return;
      button.addEventListener("click", (event) => {
        event.preventDefault();
        event.stopPropagation();
        bound.click();
      });
    });
  });
});
