# Joins the three migrations of issue 10 made side by side: item owners, per-operation dialogs, site credentials.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("nfvo", "0004_catalogue_owner"),
        ("nfvo", "0004_operation_dialogs"),
        ("nfvo", "0005_site_credentials"),
    ]

    operations = []
