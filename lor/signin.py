"""Who may enter a class deployment with sign-in: the claims a provider sent (``st.user``) checked against
``[lor] allowed_domains`` and ``[lor] advisors``. Plain Python; the claims are untrusted input."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from lor.config import SignIn

SHOWN_MAX = 80  # characters of a name or address shown on a page


@dataclass(frozen=True)
class Account:
    """A signed-in school account: found by ``issuer`` and ``subject``; ``email`` and ``name`` only for display."""

    issuer: str
    subject: str
    email: str = ""
    name: str = ""

    @property
    def shown(self) -> str:
        """The account as a page names it: its email address, else its name, else its subject (shortened, plain)."""
        return shown(self.email or self.name or self.subject)


@dataclass(frozen=True)
class Admission:
    """What a sign-in gets: the ``account`` when it may enter, else ``refusal`` (a sentence naming the account)."""

    account: Account | None = None
    refusal: str | None = None


def shown(value: object) -> str:
    """A claim as text for a page: control and format characters dropped (bidi overrides, NUL), at most SHOWN_MAX
    characters. Markup is escaped where it is drawn (lor.ui.md), not here."""
    text = value if isinstance(value, str) else ""
    text = "".join(c for c in text if unicodedata.category(c)[0] != "C" or c == " ")
    text = " ".join(text.split())
    return text if len(text) <= SHOWN_MAX else text[: SHOWN_MAX - 1] + "…"


def _claim(claims: Mapping[str, Any], name: str) -> str:
    value = claims.get(name)
    return value if isinstance(value, str) else ""


def _unverified(value: object) -> bool:
    # Google sends a boolean, some providers the text "false"; Microsoft Entra sends none (its tenant vouches).
    return value is False or (isinstance(value, str) and value.strip().lower() == "false")


def admit(claims: Mapping[str, Any], rule: SignIn) -> Admission:
    """Whether the account these claims describe may enter under ``rule``, and which account it is."""
    issuer, subject = _claim(claims, "iss"), _claim(claims, "sub")
    email = _claim(claims, "email").strip()
    account = Account(issuer, subject, email, _claim(claims, "name"))
    if not issuer or not subject or len(issuer) > 510 or len(subject) > 255:
        return Admission(
            refusal="The school's sign-in did not say which account this is (no issuer or subject), so no plan can "
            "be opened for it. Sign out and try again, or ask the course's IT office."
        )
    folded = email.lower()
    domain = folded.rpartition("@")[2] if "@" in folded else ""
    on_list = bool(folded) and folded in rule.advisors
    ruled = bool(rule.allowed_domains or rule.advisors)
    if not ruled:
        return Admission(account=account)
    if not folded:
        return Admission(
            refusal=f"The account {account.shown} has no email address this app can check, and this class only "
            "lets in the school's accounts. Sign out and sign in with your school account."
        )
    if _unverified(claims.get("email_verified")):
        return Admission(
            refusal=f"The account {account.shown} has an email address its provider has not verified, so this app "
            "can't tell whether it belongs to the school. Sign out and sign in with your school account."
        )
    if on_list or domain in rule.allowed_domains:
        return Admission(account=account)
    allowed = ", ".join(rule.allowed_domains)
    where = f" (accounts ending in {allowed})" if allowed else ""
    return Admission(
        refusal=f"The account {account.shown} is not one this class lets in{where}. Sign out and sign in with your "
        "school account, or ask your advisor."
    )
