"""``python -m agentconv.docs [--check] [--root DIR]``: write (or check) the generated pages."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import COMMAND, generate, repository, stale, write


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog=COMMAND, description=__doc__)
    parser.add_argument("--root", type=Path, default=repository(),
                        help="the repository (default: the checkout agentconv runs from)")
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 when a page is out of date")
    args = parser.parse_args(argv)
    fixtures = args.root / "fixtures"
    if not fixtures.is_dir():
        print(f"agentconv.docs: {fixtures} is not a folder: run from a checkout of agentconv, or pass --root",
              file=sys.stderr)
        return 2
    pages = generate(fixtures)
    changed = stale(args.root, pages) if args.check else write(args.root, pages)
    for path in changed:
        print(f"{'out of date' if args.check else 'wrote'}: {path}", file=sys.stderr)
    return 1 if args.check and changed else 0


if __name__ == "__main__":
    sys.exit(main())
