"""The main job's first half: descriptor -> translation -> git -> catalogue item.

Nothing is committed when the descriptor is bad: translation (which validates) runs
before the working clone is touched; nor when the service's name belongs to another
tenant: the name is checked before the commit (the service's folder in the repository is
the item's, and orders resolve its branch when they are placed).
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

from translators.git_push import Pushed, init_remote, push
from translators.translate import INDEX, Translation, translate_file

from . import services, sites
from .models import CatalogueItem, Tenant


def publish_descriptor(path: str | Path, owner: Tenant | None = None) -> tuple[Translation, Pushed, CatalogueItem]:
    """Translate ``path`` for the registered sites, commit and push it, publish the item
    for ``owner`` (None: a system item, as the demo and management commands publish).

    :raises DescriptorError: the descriptor is invalid (nothing committed).
    :raises nfvo.services.NameTaken: the service's name belongs to another owner (nothing committed).
    :raises PushError: the push failed (the commit stays local; publish again to retry).
    """
    translation = translate_file(path, sites.site_map())
    return (translation, *publish_translation(translation, owner))


def publish_translation(
    translation: Translation, owner: Tenant | None = None, take_over: bool = False
) -> tuple[Pushed, CatalogueItem]:
    """Commit and push a translated service to ``RDCL_GIT_REMOTE`` (a local bare repository
    is made when missing), then create or update its catalogue item for ``owner``.

    :raises nfvo.services.NameTaken: the name belongs to another owner (nothing committed).
    :raises PushError: the push failed (the commit stays local; publish again to retry).
    """
    services.claim_name(translation.name, owner, take_over)
    remote = (
        init_remote(settings.RDCL_GIT_REMOTE) if "://" not in settings.RDCL_GIT_REMOTE else settings.RDCL_GIT_REMOTE
    )
    published = push(translation, remote, settings.RDCL_GIT_WORKDIR)
    return published, services.publish_item(published, translation.files[INDEX], owner, take_over)
