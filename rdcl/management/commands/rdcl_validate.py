"""``python manage.py rdcl_validate PATH... [--type TYPE] [--root DIR]``: validate descriptor files.

PATHs are files, folders (recursively), zips or CSARs. Prints one line per valid file
(``FILE: valid (TYPE)``) and one line per problem of an invalid one
(``FILE:LINE: PATH: [RULE] MESSAGE``). Exit status 0 when all are valid, 1 when any is
not, 2 for an unknown ``--type`` or a PATH outside ``--root`` (the folder imports must
stay in, as ``translate --root``). The logic is :func:`rdcl.validation.validate_paths`.
"""

from __future__ import annotations

import os

from django.core.management.base import BaseCommand, CommandError

from rdcl.exceptions import RegistryError
from rdcl.types.registry import ENV as TYPES_ENV
from rdcl.types.tosca_nfv.sol001 import ENV as SOL001_ENV
from rdcl.validation import validate_paths


class Command(BaseCommand):
    help = "Validate descriptor files, folders, zips or CSARs; exit status 1 when any is invalid."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH")
        parser.add_argument(
            "--type",
            dest="type_name",
            metavar="TYPE",
            help="project type (default: detected per file); one of the registered types",
        )
        parser.add_argument(
            "--types-path",
            action="append",
            default=[],
            metavar="DIR",
            help=f"an extra folder of project-type plugins (also: {TYPES_ENV})",
        )
        parser.add_argument(
            "--root",
            metavar="DIR",
            help="folder the descriptors' imports must stay in (default: a folder given as PATH, "
            "or each file's own folder); every PATH must be inside it",
        )
        parser.add_argument(
            "--sol001-path",
            action="append",
            default=[],
            metavar="DIR",
            help=f"a folder with ETSI SOL 001 type files (also: {SOL001_ENV})",
        )

    def handle(self, *args, **opts):
        if opts["sol001_path"]:
            os.environ[SOL001_ENV] = os.pathsep.join(
                [*opts["sol001_path"], *filter(None, [os.environ.get(SOL001_ENV)])]
            )
        try:
            reports = validate_paths(opts["paths"], opts["type_name"], opts["types_path"], opts["root"])
        except (RegistryError, ValueError) as exc:
            raise CommandError(str(exc), returncode=2) from None
        for report in reports:
            for line in report.lines():
                self.stdout.write(line)
        invalid = sum(1 for r in reports if not r.valid)
        if invalid:
            raise CommandError(f"{invalid} of {len(reports)} file(s) invalid", returncode=1)
