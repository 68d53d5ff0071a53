"""Print a section of the README shipped with vstape (no checkout or network needed).

Examples:
  vstape docs                                      # every section, with its anchor
  vstape docs troubleshooting-a-request-that-does-not-match
  vstape docs replay                               # the sections whose anchor starts so

Messages of vstape end with `See vstape docs ANCHOR`: the anchor is the README
heading's, the same on GitHub and PyPI.
"""

from __future__ import annotations

import argparse
import sys

from vstape import docs


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``vstape docs``."""
    parser.add_argument(
        "section", nargs="?", default="", help="a heading's anchor, or its first words"
    )


def run(args: argparse.Namespace) -> int:
    """Print the section asked for, or the table of contents."""
    try:
        every = docs.sections()
    except OSError as err:
        print(f"vstape docs: cannot read {docs.readme_path()}: {err.strerror}", file=sys.stderr)
        return 2
    if not args.section:
        for section in every:
            print(f"{'  ' * (section.level - 1)}{section.anchor}")
        return 0
    found = docs.find(args.section)
    if not found:
        print(
            f"vstape docs: no section {args.section!r}; `vstape docs` lists them all",
            file=sys.stderr,
        )
        return 2
    if len(found) > 1 and len({s.level for s in found}) == 1:
        print("\n\n".join(s.text for s in found))
        return 0
    print(found[0].text)
    return 0
