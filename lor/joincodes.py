"""Join codes of advisor desks: made from the desk's link, read aloud in a lecture hall, stored only as hashes.

Plain values and rules: no database, no planner (the store imports this, and storing a plan loads nothing more).
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

from lor.limits import LOOKUPS_PER_SESSION, RecentEvents
from lor.models import without_controls

# -- join codes -----------------------------------------------------------------------------------------
# Eight characters read aloud in a lecture hall: digits and capitals without the look-alikes 0/O, 1/I/L.
# 31 symbols, 8 places: about 40 bits; with a few guesses allowed per session, guessing one is hopeless.

JOIN_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
JOIN_CODE_LENGTH = 8
NO_DESK = "No desk has this join code. Check it with your advisor: it has 8 letters and digits, like ABCD-2345."
DESK_NAME_MAX = 120


def join_code_for(token: str, salt: str) -> str:
    """The join code a desk link and salt give (8 symbols of JOIN_ALPHABET): the same inputs, the same code."""
    number = int.from_bytes(hmac.new(token.encode(), f"join-code:{salt}".encode(), hashlib.sha256).digest(), "big")
    symbols = []
    for _ in range(JOIN_CODE_LENGTH):
        number, index = divmod(number, len(JOIN_ALPHABET))
        symbols.append(JOIN_ALPHABET[index])
    return "".join(symbols)


def normalize_join_code(text: str) -> str | None:
    """The code as stored, from what a student typed ("abcd-2345 " → "ABCD2345"); None when it can't be one."""
    if not isinstance(text, str) or len(text) > 40:
        return None
    code = "".join(ch for ch in text.upper() if ch not in " -\t")
    if len(code) != JOIN_CODE_LENGTH or any(ch not in JOIN_ALPHABET for ch in code):
        return None
    return code


def format_join_code(code: str) -> str:
    """ "ABCD2345" → "ABCD-2345": easier to read aloud and to copy by eye."""
    return f"{code[:4]}-{code[4:]}"


def hash_join_code(code: str) -> str:
    """The hash under which a (normalized) join code is stored: the database never holds the code itself."""
    return hashlib.sha256(f"lor-join-code:{code}".encode()).hexdigest()


def desk_name(name: str) -> str:
    """A desk's name, trimmed; ValueError with a plain sentence when it is empty or too long."""
    cleaned = " ".join(without_controls(str(name or "")).split())
    if not cleaned:
        raise ValueError("Give the desk a name, e.g. “Dr. Lee's advisees, Class of 2027”.")
    if len(cleaned) > DESK_NAME_MAX:
        raise ValueError(f"A desk name can be at most {DESK_NAME_MAX} characters.")
    return cleaned


@dataclass
class JoinAttempts(RecentEvents):
    """A per-session limit on join-code look-ups: at most ``limit`` within ``window_s`` seconds, so a session
    can't try codes one after another."""

    limit: int = LOOKUPS_PER_SESSION.limit
    window_s: float = LOOKUPS_PER_SESSION.window_s
