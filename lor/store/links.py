"""Link tokens: 192 random bits, stored only as their SHA-256 hashes."""

from __future__ import annotations

import hashlib
import secrets


def hash_token(token: str) -> str:
    """The SHA-256 hex digest under which a link token is stored."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()  # a mangled link opens nothing


def new_token() -> str:
    """A fresh link token: 192 random bits, URL-safe."""
    return secrets.token_urlsafe(24)
