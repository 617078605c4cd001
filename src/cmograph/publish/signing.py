"""Signing nanopublications as the nanopub tools do: an RSA key (PKCS#1 v1.5, SHA-256) signs the text a trusty URI
hashes, without the signature; the public key and signature are written in Base64, on one line each.

The key is the user's own file: a PEM private key (``openssl genpkey -algorithm RSA``) or the ``id_rsa`` that the
nanopub tools keep in ``~/.nanopub/``. Signing needs pycryptodome (``pip install 'cmograph[nanopub]'``); nothing is
sent anywhere.
"""

from __future__ import annotations

import base64
import binascii
from pathlib import Path
from typing import Any

from cmograph.errors import UsageError

KEY_HINT = ("give --sign-key the private RSA key of your nanopub profile (~/.nanopub/id_rsa) or a PEM file made "
            "by `openssl genpkey -algorithm RSA -out key.pem`, without a passphrase")


class SigningKey:
    """An RSA private key read from the user's file."""

    def __init__(self, path: Path) -> None:
        try:
            from Crypto.PublicKey import RSA
        except ImportError:
            raise UsageError("signing nanopublications needs the pycryptodome package",
                             "install it with `pip install 'cmograph[nanopub]'`, or leave out --sign-key") from None
        text = path.read_bytes().strip()
        try:
            data = text if text.startswith(b"-----BEGIN") else base64.b64decode(text, validate=False)
            key = RSA.import_key(data)
        except (ValueError, IndexError, TypeError, binascii.Error):
            raise UsageError(f"{path} is not an RSA private key cmograph can read", KEY_HINT) from None
        if not key.has_private():
            raise UsageError(f"{path} is a public key: signing needs the private one", KEY_HINT)
        self._key: Any = key
        public = key.publickey()  # type: ignore[no-untyped-call]
        self.public = base64.b64encode(public.export_key(format="DER")).decode("ascii")

    def sign(self, text: str) -> str:
        """The signature of ``text`` (UTF-8), in Base64."""
        from Crypto.Hash import SHA256
        from Crypto.Signature import pkcs1_15

        return base64.b64encode(pkcs1_15.new(self._key).sign(SHA256.new(text.encode("utf-8")))).decode("ascii")
