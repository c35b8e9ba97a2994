"""Site credentials encrypted at rest with Fernet (``cryptography``).

The key is ``settings.RDCL_FERNET_KEY`` or, in the embedded default, a key generated
once in ``RDCL_VAR/fernet.key`` (mode 0600).
"""

from __future__ import annotations

import os

from cryptography.fernet import Fernet
from django.conf import settings

MASK = "********"


def _fernet() -> Fernet:
    key = settings.RDCL_FERNET_KEY
    if not key:
        path = settings.VAR_DIR / "fernet.key"
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as f:
                f.write(Fernet.generate_key())
        key = path.read_bytes().strip()
    return Fernet(key)


def encrypt(text: str) -> str:
    """Ciphertext (URL-safe base64) of ``text``; empty stays empty."""
    return _fernet().encrypt(text.encode()).decode() if text else ""


def decrypt(token: str) -> str:
    """Plain text of a token made by :func:`encrypt`."""
    return _fernet().decrypt(token.encode()).decode() if token else ""
