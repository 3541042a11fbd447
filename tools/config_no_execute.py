"""Print the book's _config.yml with notebook execution switched off.

`make test` uses it for its book build: nbval has already re-executed every chapter and
proved that the stored outputs reproduce, so the build renders those stored outputs
instead of executing a second time.
"""

import sys
from pathlib import Path

import yaml


def main(path: str) -> None:
    with open(path, encoding="utf-8") as f:
        config = yaml.safe_load(f)
    config.setdefault("execute", {})["execute_notebooks"] = "off"
    # Jupyter Book resolves local extensions against the config file's folder; this copy
    # lives elsewhere (_build/), so point them at the book's own folder.
    book = Path(path).resolve().parent
    local = config.get("sphinx", {}).get("local_extensions") or {}
    for name, folder in local.items():
        local[name] = str(book / folder)
    yaml.safe_dump(config, sys.stdout, sort_keys=False)


if __name__ == "__main__":
    main(sys.argv[1])
