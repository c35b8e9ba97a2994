"""Site credentials encrypted at rest with Fernet (``cryptography``).

The key is ``settings.RDCL_FERNET_KEY`` or, in the embedded default, a key generated
once in ``RDCL_VAR/fernet.key`` (mode 0600) by :func:`config.keys.key_file`, as the
``SECRET_KEY`` is (processes starting together agree on one key).
"""

from __future__ import annotations

from cryptography.fernet import Fernet
from django.conf import settings

from config.keys import key_file

MASK = "********"


def _fernet() -> Fernet:
    key = settings.RDCL_FERNET_KEY or key_file(settings.VAR_DIR / "fernet.key", lambda: Fernet.generate_key().decode())
    return Fernet(key)


def encrypt(text: str) -> str:
    """Ciphertext (URL-safe base64) of ``text``; empty stays empty."""
    return _fernet().encrypt(text.encode()).decode() if text else ""


def decrypt(token: str) -> str:
    """Plain text of a token made by :func:`encrypt`."""
    return _fernet().decrypt(token.encode()).decode() if token else ""
