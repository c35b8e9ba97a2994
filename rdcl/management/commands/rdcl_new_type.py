"""``python manage.py rdcl_new_type NAME [--dest DIR] [--label TEXT]``: scaffold a project type.

Writes a plugin folder the registry discovers: in ``rdcl/types/`` by default, or in DIR
(then add DIR to ``RDCL_TYPES_PATH``, or pass it to ``rdcl_validate --types-path``).
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from rdcl.exceptions import ScaffoldError
from rdcl.scaffold import scaffold
from rdcl.types.registry import BUILTIN, ENV


class Command(BaseCommand):
    help = "Scaffold a project-type plugin folder (description model, example, plugin class)."

    def add_arguments(self, parser):
        parser.add_argument("name", help="type name: lower-case words joined by '-'")
        parser.add_argument("--dest", help="folder of plugin folders (default: rdcl/types)")
        parser.add_argument("--label", help="human name of the type")

    def handle(self, *args, **opts):
        try:
            folder = scaffold(opts["name"], opts["dest"], opts["label"])
        except ScaffoldError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"created {folder}/ (__init__.py, description.yaml, examples/example.yaml)")
        if folder.parent.resolve() != BUILTIN:
            self.stdout.write(f"discover it with {ENV}={folder.parent} or rdcl_validate --types-path {folder.parent}")
