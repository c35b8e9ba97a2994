"""Which git remotes the server may reach, and reaching them safely.

The server runs git against a catalogue item's repository when it is published, refreshed
and ordered (``git ls-remote``) and when a worker mirrors it for its jobs (``git clone
--mirror``, then fetches: :mod:`nfvo.repo_cache`). Only remotes
the operator configured are reached: the services repository ``RDCL_GIT_REMOTE`` and what
``RDCL_GIT_ALLOWED_REMOTES`` lists (a comma-separated setting, empty by default). Entries:

* ``git.example.com``: https and ssh to that host (``https://git.example.com/...``,
  ``ssh://git@git.example.com/...``, ``git@git.example.com:org/repo.git``), default ports;
* ``https://git.example.com[:port][/path/prefix]`` (likewise ``ssh://``, ``http://``,
  ``git://``): that scheme and host only, on that port (default: the scheme's), and under
  that path when one is given;
* ``/srv/git`` (or ``file:///srv/git``): local repositories (paths or ``file://`` URLs)
  inside that folder, symbolic links and ``..`` resolved; ``/`` allows every local path.

Whatever the list says, these are refused before git runs (rule names in brackets):
option-looking remotes such as ``--upload-pack=...`` or ``-u...`` and control characters
[``git.remote.syntax``]; git's remote-helper syntax ``<transport>::<address>`` (``ext::``,
``fd::``) and ``ext://``, GitPython's unsafe-protocol check [``git.remote.transport``];
schemes other than https, http, ssh, git and file [``git.remote.scheme``]; hosts, ports
and paths not listed [``git.remote.host``]; local paths outside the listed folders and
relative paths [``git.remote.local``]. Git itself then runs with ``--`` before the remote,
``GIT_ALLOW_PROTOCOL`` set to the remote's one protocol, no redirects followed and no
terminal prompt.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

import git
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from translators.paths import within

from .exceptions import RemoteRefused

#: Schemes git speaks natively that may be listed (``git+ssh``/``ssh+git`` are ssh).
SCHEMES = {"https": 443, "http": 80, "ssh": 22, "git": 9418, "file": None}
ALIASES = {"git+ssh": "ssh", "ssh+git": "ssh"}
#: git's scp-like syntax ``[user@]host:path`` (no slash before the first colon).
SCP = re.compile(r"^(?:(?P<user>[^@/]*)@)?(?P<host>\[[^\]/]+\]|[^:/\[\]]+):(?P<path>.*)$")
CONTROL = re.compile(r"[\x00-\x1f\x7f]")
TIMEOUT = 120  # seconds a git ls-remote may take


@dataclass(frozen=True)
class Remote:
    """A parsed remote: ``scheme`` (https, http, ssh, git or file), ``host`` (lower case,
    '' for file), ``port`` (None: the scheme's default), ``path`` (for file: absolute,
    resolved)."""

    scheme: str
    host: str
    port: int | None
    path: str


def check(url: str) -> Remote:
    """Parse ``url`` and check it against the rules above; the parsed remote.

    :raises RemoteRefused: naming the rule; the message never echoes credentials.
    """
    remote = parse(url)
    if _is_configured(url, remote):
        return remote
    for entry in allowed():
        if entry.matches(remote):
            return remote
    if remote.scheme == "file":
        raise RemoteRefused(
            "git.remote.local", "local repositories are allowed only inside the folders RDCL_GIT_ALLOWED_REMOTES lists"
        )
    port = f":{remote.port}" if remote.port else ""
    raise RemoteRefused(
        "git.remote.host",
        f"{remote.scheme}://{remote.host}{port}{remote.path} is not a scheme, "
        "host and path RDCL_GIT_ALLOWED_REMOTES lists",
    )


def parse(url: str) -> Remote:
    """``url`` as git would read it: a URL, scp-like ``[user@]host:path`` or a local path.

    :raises RemoteRefused: syntax, transport and scheme rules (not the allowed list).
    """
    if not isinstance(url, str) or not url.strip():
        raise RemoteRefused("git.remote.syntax", "the repository is empty")
    if CONTROL.search(url):
        raise RemoteRefused("git.remote.syntax", "the repository contains control characters")
    try:
        url.encode("utf-8")
    except UnicodeEncodeError:
        raise RemoteRefused("git.remote.syntax", "the repository is not valid UTF-8 text") from None
    if url.startswith("-"):
        raise RemoteRefused("git.remote.syntax", "a repository must not start with '-' (git would read an option)")
    try:
        git.Git.check_unsafe_protocols(url)
    except git.exc.UnsafeProtocolError:
        helper = url.split("::", 1)[0] + "::" if "::" in url else "ext://"
        raise RemoteRefused("git.remote.transport", f"git remote helpers ({helper[:40]}) are refused") from None
    if "://" in url:
        return _parse_url(url)
    scp = SCP.match(url)
    if scp and not url.startswith("/"):
        return _network("ssh", scp["host"].strip("[]"), None, "/" + scp["path"].lstrip("/"), scp["user"] or "")
    if not os.path.isabs(url):
        raise RemoteRefused("git.remote.local", "relative repository paths are refused; give an absolute path")
    return Remote("file", "", None, os.path.realpath(url))


def _parse_url(url: str) -> Remote:
    scheme = url.split("://", 1)[0].lower()
    scheme = ALIASES.get(scheme, scheme)
    if scheme not in SCHEMES:
        raise RemoteRefused("git.remote.scheme", f"scheme {scheme[:20]!r} is not one of {', '.join(SCHEMES)}")
    try:
        parts = urlsplit(url)
    except ValueError as exc:  # e.g. an unclosed IPv6 bracket
        raise RemoteRefused("git.remote.syntax", f"the repository is not a URL: {exc}") from None
    if scheme == "file":
        if parts.netloc not in ("", "localhost"):
            raise RemoteRefused("git.remote.local", "file:// URLs name no host")
        try:
            path = unquote(parts.path, errors="strict")
        except UnicodeDecodeError:
            raise RemoteRefused("git.remote.syntax", "the repository's path is not valid UTF-8 once decoded") from None
        if CONTROL.search(path):
            raise RemoteRefused("git.remote.syntax", "the repository contains control characters")
        return Remote("file", "", None, os.path.realpath(path or "/"))
    try:
        port = parts.port
    except ValueError:
        raise RemoteRefused("git.remote.syntax", "the repository's port is not a number from 0 to 65535") from None
    return _network(scheme, parts.hostname or "", port, unquote(parts.path) or "/", parts.username or "")


def _network(scheme: str, host: str, port: int | None, path: str, user: str) -> Remote:
    if not host:
        raise RemoteRefused("git.remote.syntax", "the repository names no host")
    if host.startswith("-") or user.startswith("-"):
        raise RemoteRefused("git.remote.syntax", "a host or user must not start with '-' (ssh would read an option)")
    return Remote(scheme, host.lower(), None if port == SCHEMES[scheme] else port, path)


@dataclass(frozen=True)
class Allowed:
    """One entry of ``RDCL_GIT_ALLOWED_REMOTES``: ``schemes`` it allows, ``host``,
    ``port`` (None: default), ``path`` prefix ('' or '/': any; for file: the folder)."""

    schemes: tuple[str, ...]
    host: str
    port: int | None
    path: str

    def matches(self, remote: Remote) -> bool:
        """True when ``remote`` is inside this entry."""
        if remote.scheme not in self.schemes:
            return False
        if remote.scheme == "file":
            return within(remote.path, os.path.realpath(self.path))
        if (remote.host, remote.port) != (self.host, self.port):
            return False
        prefix = self.path.rstrip("/")
        if not prefix:
            return True
        if ".." in remote.path.split("/"):
            return False
        return remote.path == prefix or remote.path.startswith(prefix + "/")


def allowed() -> list[Allowed]:
    """The entries of ``settings.RDCL_GIT_ALLOWED_REMOTES`` (a list, or a comma-separated string).

    :raises django.core.exceptions.ImproperlyConfigured: an entry that is none of the forms above.
    """
    raw = getattr(settings, "RDCL_GIT_ALLOWED_REMOTES", [])
    entries = [e.strip() for e in (raw.split(",") if isinstance(raw, str) else raw) if e and e.strip()]
    out = []
    for entry in entries:
        try:
            if "/" not in entry and ":" not in entry:  # a bare host: https and ssh
                out.append(Allowed(("https", "ssh"), entry.lower(), None, ""))
                continue
            remote = parse(entry)
        except RemoteRefused as exc:
            raise ImproperlyConfigured(f"RDCL_GIT_ALLOWED_REMOTES entry {entry!r}: {exc}") from None
        out.append(Allowed((remote.scheme,), remote.host, remote.port, remote.path))
    return out


def _is_configured(url: str, remote: Remote) -> bool:
    """The services repository ``RDCL_GIT_REMOTE`` itself (always allowed)."""
    configured = str(settings.RDCL_GIT_REMOTE)
    if url == configured:
        return True
    return remote.scheme == "file" and "://" not in configured and os.path.realpath(configured) == remote.path


def environment(remote: Remote) -> dict[str, str]:
    """Environment for a git command reaching ``remote``: its protocol only (git's
    ``GIT_ALLOW_PROTOCOL``), no HTTP redirect followed, never a terminal prompt."""
    return {
        "GIT_ALLOW_PROTOCOL": remote.scheme,
        "GIT_TERMINAL_PROMPT": "0",
        "GIT_CONFIG_COUNT": "1",
        "GIT_CONFIG_KEY_0": "http.followRedirects",
        "GIT_CONFIG_VALUE_0": "false",
    }


def ls_remote(url: str, ref: str) -> str:
    """``git ls-remote -- <url> <ref>`` after :func:`check` (its output, '' when no ref matches).

    :raises RemoteRefused: the remote is not allowed (git did not run).
    :raises git.GitCommandError: git failed (unreachable, not a repository, timed out).
    """
    remote = check(url)
    if ref.startswith("-"):
        raise RemoteRefused("git.remote.syntax", "a ref must not start with '-'")
    return str(git.cmd.Git().ls_remote("--", url, ref, env=environment(remote), kill_after_timeout=TIMEOUT))


def clone(url: str, to: str | os.PathLike, **options) -> git.Repo:
    """``git clone`` of ``url`` into ``to`` after :func:`check` (GitPython passes ``--``
    before the URL and refuses unsafe protocols and options itself).

    :raises RemoteRefused: the remote is not allowed (git did not run).
    """
    remote = check(url)
    return git.Repo.clone_from(url, to, env=environment(remote), **options)
