"""Command line for the shipped datasets.

python -m dsinterview.data regenerate NAME [NAME ...]  # or --all
python -m dsinterview.data verify  # check every file against the manifest
"""

from __future__ import annotations

import argparse
import sys

from dsinterview.data import SHIPPED, DatasetError, load, regenerate


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m dsinterview.data", description=__doc__.splitlines()[0]
    )
    sub = parser.add_subparsers(dest="command", required=True)
    regen = sub.add_parser(
        "regenerate", help="rebuild shipped datasets from their seeds"
    )
    regen.add_argument("names", nargs="*", help=f"any of {sorted(SHIPPED)}")
    regen.add_argument(
        "--all", action="store_true", help="rebuild every shipped dataset"
    )
    sub.add_parser("verify", help="check every shipped file against the manifest")
    args = parser.parse_args(argv)

    if args.command == "regenerate":
        names = sorted(SHIPPED) if args.all else args.names
        if not names:
            parser.error("name a dataset or pass --all")
        for name in names:
            print(f"regenerated {regenerate(name)}")
        return 0
    failures = 0
    for name in sorted(SHIPPED):
        try:
            df = load(name)
            print(f"ok      {name}: {df.shape[0]} rows x {df.shape[1]} columns")
        except DatasetError as exc:
            failures += 1
            print(f"FAILED  {name}: {exc}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
