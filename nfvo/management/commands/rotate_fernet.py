"""``manage.py rotate_fernet``: re-encrypt every site credential with the first configured
Fernet key (:func:`nfvo.secrets.rotate`), in one transaction; prints how many were rewritten."""

from django.core.management.base import BaseCommand
from django.db import transaction

from nfvo import credentials, secrets
from nfvo.models import Site


class Command(BaseCommand):
    help = "Re-encrypt every stored site credential with the first key of RDCL_FERNET_KEY(_FILE)."

    def handle(self, *args, **options):
        columns = [f"{name}_encrypted" for name in credentials.NAMES]
        count = 0
        with transaction.atomic():
            for site in Site.objects.select_for_update():
                changed = [c for c in columns if getattr(site, c)]
                for column in changed:
                    setattr(site, column, secrets.rotate(getattr(site, column)))
                if changed:
                    site.save(update_fields=changed)
                    count += len(changed)
        self.stdout.write(f"{count} credential(s) re-encrypted with the first key")
