"""Site credentials encrypted at rest with Fernet (``cryptography``).

The key comes from, first found: ``RDCL_FERNET_KEY`` (the setting), the file
``RDCL_FERNET_KEY_FILE`` (e.g. a systemd credential, ``$CREDENTIALS_DIRECTORY/fernet.key``:
a worker on another host gets the key by configuration, not from the web host's folder),
or, in the embedded default, a key generated once in ``RDCL_VAR/fernet.key`` (mode 0600) by
:func:`config.keys.key_file`, as the ``SECRET_KEY`` is (processes starting together agree).

Rotation: the setting or the file may hold several keys, comma- or newline-separated;
the first encrypts, every one decrypts (``MultiFernet``). ``manage.py rotate_fernet``
re-encrypts every stored credential with the first key; then the old keys can go
(deploy/RUNBOOK.md).
"""

from __future__ import annotations

import re
from pathlib import Path

from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings

from config.keys import key_file

MASK = "********"


def keys() -> list[str]:
    """The configured keys, the encrypting one first.

    :raises OSError: ``RDCL_FERNET_KEY_FILE`` is set but not readable.
    """
    text = settings.RDCL_FERNET_KEY
    if not text and settings.RDCL_FERNET_KEY_FILE:
        text = Path(settings.RDCL_FERNET_KEY_FILE).read_text()
    if not text:
        text = key_file(settings.VAR_DIR / "fernet.key", lambda: Fernet.generate_key().decode())
    return [k for k in re.split(r"[,\s]+", text) if k]


def _fernet() -> MultiFernet:
    return MultiFernet([Fernet(k) for k in keys()])


def encrypt(text: str) -> str:
    """Ciphertext (URL-safe base64) of ``text`` with the first key; empty stays empty."""
    return _fernet().encrypt(text.encode()).decode() if text else ""


def decrypt(token: str) -> str:
    """Plain text of a token made by :func:`encrypt` with any configured key.

    :raises cryptography.fernet.InvalidToken: no configured key opens it."""
    return _fernet().decrypt(token.encode()).decode() if token else ""


def rotate(token: str) -> str:
    """``token`` re-encrypted with the first key (MultiFernet.rotate); empty stays empty."""
    return _fernet().rotate(token.encode()).decode() if token else ""
