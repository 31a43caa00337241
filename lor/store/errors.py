"""What the store raises that a page turns into a sentence: a database gone, a link gone, a creation refused."""

from __future__ import annotations

from typing import Final


class DatabaseUnavailable(RuntimeError):
    """The configured database can't be reached or opened; the message says which one and why, without secrets."""


LINK_GONE: Final = "This link no longer opens the plan: it was replaced or turned off, or the plan left the desk."


class LinkGone(PermissionError):
    """A write or read through a Workspace whose link was replaced or turned off since it was opened (or whose plan
    left the desk it was opened from): nothing was read or changed."""


class CreationRefused(ValueError):
    """A new plan or desk refused because too many were made lately (lor.limits): nothing was saved. The message is
    the sentence to show."""


class DeskFull(ValueError):
    """A join refused because the desk holds DESK_MEMBERS_MAX students already."""


def first_line(exc: BaseException) -> str:
    """The first line of an exception's message (its class name when it has none), for a plain sentence."""
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__
