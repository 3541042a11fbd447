"""Print the book's _config.yml with notebook execution switched off.

`make test` uses it for its book build: nbval has already re-executed every chapter and
proved that the stored outputs reproduce, so the build renders those stored outputs
instead of executing a second time.
"""

import sys

import yaml


def main(path: str) -> None:
    with open(path, encoding="utf-8") as f:
        config = yaml.safe_load(f)
    config.setdefault("execute", {})["execute_notebooks"] = "off"
    yaml.safe_dump(config, sys.stdout, sort_keys=False)


if __name__ == "__main__":
    main(sys.argv[1])
