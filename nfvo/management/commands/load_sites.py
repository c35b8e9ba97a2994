"""``python manage.py load_sites FILE...``: register the sites described in inventory files.

Each file lists ``sites: [{name, kind, default?, labels, connection}]`` (see
``inventories/``); a ``connection.ssh_private_key_file`` is read and stored encrypted.
"""

from django.core.management.base import BaseCommand, CommandError

from nfvo import sites


class Command(BaseCommand):
    help = "Register (create or update) the sites listed in inventory files."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+")

    def handle(self, *args, **opts):
        for path in opts["files"]:
            try:
                loaded = sites.load(path)
            except (OSError, KeyError, ValueError) as exc:
                raise CommandError(f"{path}: {exc}") from None
            for site in loaded:
                self.stdout.write(f"{path}: {site.name} ({site.kind}) {site.labels}")
