"""Where an endpoint's user name and password come from, which servers may have them, and keeping them out of
every message.

The environment's credentials (``CMOGRAPH_ENDPOINT_USER`` / ``CMOGRAPH_ENDPOINT_PASSWORD``) go to the servers the
user names (``--endpoint``, ``--update-endpoint``, or a library call), never to one that only a project's
``cmograph.toml`` names (a cloned project may name any server); ``CMOGRAPH_ENDPOINT_HOST`` ties them to one host
instead, wherever it is named. ``~/.netrc`` ties each password to its host already. A Basic password is never sent
over plain http to another machine unless ``CMOGRAPH_ENDPOINT_ALLOW_HTTP=1``.
"""

from __future__ import annotations

import base64
import ipaddress
import json
import netrc
import os
import re
import urllib.parse
from dataclasses import dataclass, field

from cmograph.errors import EndpointError, UsageError

ENV_USER = "CMOGRAPH_ENDPOINT_USER"
ENV_PASSWORD = "CMOGRAPH_ENDPOINT_PASSWORD"
ENV_HOST = "CMOGRAPH_ENDPOINT_HOST"
ENV_ALLOW_HTTP = "CMOGRAPH_ENDPOINT_ALLOW_HTTP"
CREDENTIALS_HINT = f"set {ENV_USER} and {ENV_PASSWORD}, or add the host to ~/.netrc"
_DIGEST_SECRET = re.compile(r'\b(?:response|cnonce)="?([^",\s]+)', re.IGNORECASE)


@dataclass(frozen=True)
class Credentials:
    """A user and password for an endpoint; the password is kept out of ``repr``."""

    user: str
    password: str = field(repr=False)


def check_url(url: str, option: str = "--endpoint") -> str:
    """``url`` if it is an http(s) URL without credentials in it; else a :class:`UsageError`."""
    parts = urllib.parse.urlsplit(url)
    if parts.username is not None or parts.password is not None:
        raise UsageError(f"{option} holds credentials ({redact(url)}); they would show in logs and shell history",
                         f"remove them from the URL and {CREDENTIALS_HINT}")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageError(f"{option} takes an http:// or https:// URL, not {url!r}",
                         "e.g. http://127.0.0.1:7878/query")
    return url


def redact(url: str) -> str:
    """``url`` with any ``user:password@`` removed."""
    parts = urllib.parse.urlsplit(url)
    host = parts.netloc.rpartition("@")[2]
    return urllib.parse.urlunsplit((parts.scheme, host, parts.path, parts.query, parts.fragment))


@dataclass(frozen=True)
class Found:
    """The credentials for one URL, or none, with why the environment's were withheld from it (for the hint of a
    401 answer)."""

    credentials: Credentials | None
    withheld: str | None = None


def credentials_for(url: str, *, from_project: bool = False) -> Found:
    """Credentials for ``url``: the environment's where they may go (see the module), else ``~/.netrc``'s for its
    host. ``from_project``: the URL comes from a project's ``cmograph.toml``, not from the user."""
    user, password = os.environ.get(ENV_USER), os.environ.get(ENV_PASSWORD)
    withheld = None
    if user or password:
        if not (user and password):
            missing = ENV_PASSWORD if user else ENV_USER
            raise UsageError(f"{missing} is not set", f"set both {ENV_USER} and {ENV_PASSWORD}, or neither")
        withheld = _withheld(url, from_project)
        if withheld is None:
            return Found(Credentials(user, password))
    return Found(_netrc(url), withheld)


def _withheld(url: str, from_project: bool) -> str | None:
    """Why the environment's credentials may not go to ``url``, or ``None`` if they may."""
    where = _host_port(url)
    host = os.environ.get(ENV_HOST, "").strip()
    if host:
        parts = urllib.parse.urlsplit(f"//{host}")
        try:
            port = parts.port
        except ValueError:
            port = -1
        if not parts.hostname or port == -1 or parts.path or parts.query:
            raise UsageError(f"{ENV_HOST} must be a host, or host:port, not {host!r}", "e.g. db.example.org:8890")
        if parts.hostname == where[0] and port in (None, where[1]):
            return None
        return (f"{ENV_HOST} is {host}, so the credentials in {ENV_USER} and {ENV_PASSWORD} were not sent to "
                f"{_netloc(where)}")
    if not from_project:
        return None
    return (f"the project's cmograph.toml names this server, so the credentials in {ENV_USER} and {ENV_PASSWORD} "
            f"were not sent to it: name it with --endpoint, or set {ENV_HOST}={_netloc(where)}")


def _netrc(url: str) -> Credentials | None:
    try:
        entry = netrc.netrc().authenticators(urllib.parse.urlsplit(url).hostname or "")
    except FileNotFoundError:
        return None
    except netrc.NetrcParseError as exc:
        raise UsageError(f"~/.netrc cannot be read (line {exc.lineno})", "fix or remove that line") from None
    except OSError:
        return None
    if entry is None or not entry[2]:
        return None
    return Credentials(entry[0], entry[2])


def _host_port(url: str) -> tuple[str, int]:
    parts = urllib.parse.urlsplit(url)
    return parts.hostname or "", parts.port or (443 if parts.scheme == "https" else 80)


def _netloc(where: tuple[str, int]) -> str:
    host = f"[{where[0]}]" if ":" in where[0] else where[0]
    return f"{host}:{where[1]}"


def check_basic_allowed(url: str) -> None:
    """Raise unless a Basic password may go to ``url``: over https, to this machine, or with
    ``CMOGRAPH_ENDPOINT_ALLOW_HTTP=1``."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme == "https" or _loopback(parts.hostname or "") or os.environ.get(ENV_ALLOW_HTTP) == "1":
        return
    raise EndpointError(f"{redact(url)} asks for the password in plain text (Basic authentication) over http, "
                        "where anyone on the way could read it, so cmograph did not send it",
                        f"use the server's https:// URL, or set {ENV_ALLOW_HTTP}=1 if the network is trusted")


def _loopback(host: str) -> bool:
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class Secrets:
    """Everything that would give a password away, in every form it may be echoed in: the password, ``user:password``,
    their Base64, URL and JSON spellings, and every ``Authorization`` header sent (a Digest answer too)."""

    def __init__(self, credentials: Credentials | None = None) -> None:
        self._forms: set[str] = set()
        if credentials is not None:
            pair = f"{credentials.user}:{credentials.password}"
            token = base64.b64encode(pair.encode()).decode("ascii")
            for text in (credentials.password, pair, token, token.rstrip("=")):
                self._add(text)

    def _add(self, text: str) -> None:
        for form in (text, urllib.parse.quote(text, safe=""), urllib.parse.quote_plus(text), json.dumps(text)[1:-1]):
            if form:
                self._forms.add(form)

    def sent(self, header: str | None) -> None:
        """Note an ``Authorization`` header value as sent."""
        if not header:
            return
        self._add(header)
        scheme, _, rest = header.partition(" ")
        if scheme.lower() == "basic":
            self._add(rest.strip())
        self._forms.update(m.group(1) for m in _DIGEST_SECRET.finditer(rest))

    def scrub(self, text: str) -> str:
        """``text`` with every secret form replaced by ``***`` (longest first, so no part of one is left)."""
        for form in sorted(self._forms, key=len, reverse=True):
            text = text.replace(form, "***")
        return text
