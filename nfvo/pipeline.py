"""The main job's first half: descriptor -> translation -> git -> catalogue item.

Nothing is committed when the descriptor is bad: translation (which validates) runs
before the working clone is touched.
"""
from __future__ import annotations

from pathlib import Path

from django.conf import settings

from translators.publish import Published, init_remote, publish
from translators.translate import INDEX, Translation, translate_file

from . import services, sites
from .models import CatalogueItem


def publish_descriptor(path: str | Path) -> tuple[Translation, Published, CatalogueItem]:
    """Translate ``path`` for the registered sites, commit and push it, publish the item.

    :raises DescriptorError: the descriptor is invalid (nothing committed).
    :raises PublishError: the push failed (the commit stays local; publish again to retry).
    """
    translation = translate_file(path, sites.site_map())
    return (translation, *publish_translation(translation))


def publish_translation(translation: Translation) -> tuple[Published, CatalogueItem]:
    """Commit and push a translated service to ``RDCL_GIT_REMOTE`` (a local bare repository
    is made when missing), then create or update its catalogue item.

    :raises PublishError: the push failed (the commit stays local; publish again to retry).
    """
    remote = init_remote(settings.RDCL_GIT_REMOTE) if "://" not in settings.RDCL_GIT_REMOTE else settings.RDCL_GIT_REMOTE
    published = publish(translation, remote, settings.RDCL_GIT_WORKDIR)
    return published, services.publish_item(published, translation.files[INDEX])
