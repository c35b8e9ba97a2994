"""``python -m translators translate SRC [--sites FILE] --out DIR``: translate from the shell.

Exit status 0 on success, 1 with every problem listed (file, path, rule) on bad input.
"""
from __future__ import annotations

import argparse
import sys

from .errors import DescriptorError
from .sites import DEMO_SITES, SiteMap
from .translate import translate_file


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point; returns the exit status."""
    parser = argparse.ArgumentParser(prog="python -m translators")
    sub = parser.add_subparsers(dest="command", required=True)
    tr = sub.add_parser("translate", help="descriptor -> HOT, manifests and playbooks")
    tr.add_argument("src")
    tr.add_argument("--out", required=True, help="folder; the service goes in OUT/<service>/")
    tr.add_argument("--sites", help="YAML file: sites: [{name, kind, default?}]; default: demo sites")
    args = parser.parse_args(argv)
    sites = SiteMap.from_yaml(args.sites) if args.sites else DEMO_SITES
    try:
        translation = translate_file(args.src, sites)
    except DescriptorError as exc:
        print(exc.report(), file=sys.stderr)
        return 1
    folder = translation.write(args.out)
    print(f"{translation.name}: {len(translation.files)} files in {folder}")
    for line in translation.report:
        print(f"  report: {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
