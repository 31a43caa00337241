"""Sign-in on a class deployment with ``[auth]`` (st.login, OpenID Connect): the gate before any plan opens, the
sign-in and refusal pages, bringing a link's plan into the account, and signing out."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import streamlit as st

from lor.config import SignIn
from lor.signin import Account, Admission, admit
from lor.store import LinkGone
from lor.ui.keys import LINK_KEY, SIGNED_IN_KEY, WS_KEY
from lor.ui.notices import flash, md
from lor.ui.server import settings, store

SIGN_OUT_CHECK_S = 30  # how long a session trusts its last check that the account has not signed out since
PROVIDER_NAMES = {"google": "Google", "microsoft": "Microsoft", "okta": "Okta", "auth0": "Auth0"}


def sign_in_rule() -> SignIn | None:
    """The ``[auth]`` rule when this deployment asks visitors to sign in (class mode with ``[auth]``), else None."""
    current = settings()
    return current.sign_in if current.shared else None


def _claims() -> dict[str, Any]:
    try:
        return dict(st.user.to_dict())
    except (AttributeError, RuntimeError):
        return {}


def admission() -> Admission | None:
    """This visitor's sign-in checked against the rule: None when not signed in (or sign-in is off)."""
    rule = sign_in_rule()
    claims = _claims()
    if rule is None or not claims.get("is_logged_in"):
        return None
    return admit(claims, rule)


def signed_in_account() -> Account | None:
    """The account this session is signed in with and that may enter, else None."""
    found = admission()
    return found.account if found is not None else None


def sign_in_gate() -> Callable[[], None] | None:
    """The page this visit gets instead of a plan, when sign-in is on: the sign-in page, a refusal naming the
    account, or the offer to bring a private link's plan into the account; None when a plan (or desk) may open."""
    if sign_in_rule() is None:
        return None
    found = admission()
    if found is None:
        st.session_state.pop(WS_KEY, None)  # signed out in another tab: nothing of the plan stays in this session
        return sign_in_page
    if found.account is None:
        return refused_page
    if _signed_out_since(found.account):
        st.session_state.pop(WS_KEY, None)  # a sign-in from before this account signed out: a copied cookie
        return sign_in_page
    if "w" in st.query_params:
        return move_page
    return None


def _signed_out_since(account: Account) -> bool:
    """True when this session's sign-in predates the account's last sign-out. Asked of the database at the start
    of a session and then at most every SIGN_OUT_CHECK_S, not on every rerun."""
    issued = _claims().get("iat")
    key = (account.issuer, account.subject, issued)
    checked = st.session_state.get(SIGNED_IN_KEY)
    if checked is not None and checked[0] == key and time.monotonic() - checked[1] < SIGN_OUT_CHECK_S:
        return False
    if store().signed_in_before_sign_out(account.issuer, account.subject, issued):
        st.session_state.pop(SIGNED_IN_KEY, None)
        return True
    st.session_state[SIGNED_IN_KEY] = (key, time.monotonic())
    return False


def sign_in_page() -> None:
    """The page a visitor who is not signed in gets: one button per provider, nothing of any plan."""
    rule = sign_in_rule()
    st.title("Sign in to your plan")
    st.write(
        "This class keeps every student's plan under their school account. Sign in, and your plan opens, on any "
        "computer or phone."
    )
    providers = rule.providers if rule is not None else ()
    for name in providers or ("",):
        label = f"Sign in with {PROVIDER_NAMES.get(name, name.title())}" if name else "Sign in with your school account"
        if st.button(label, key=f"sign-in-{name or 'school'}", type="primary", icon=":material/login:"):
            st.login(name) if name else st.login()


def refused_page() -> None:
    """The plain refusal an account outside the class's rule gets, naming the account; no plan opens."""
    found = admission()
    st.title("This account can't open a plan here")
    st.error(md(found.refusal if found is not None and found.refusal else "This account is not let in."), icon="🚫")
    sign_out_button(key="sign-out-refused")


def move_page() -> None:
    """Signed in with a private link (?w=) in the address: offer, once, to bring that plan into the account."""
    account = signed_in_account()
    assert account is not None
    db = store()
    st.title("Bring your plan into your account")
    try:
        linked = db.open(st.query_params["w"])
    except KeyError:
        linked = None
    if linked is None or linked.read_only:
        st.write("This private link does not open any plan (it may be mistyped, or already brought into an account).")
    else:
        student = linked.student()
        whose = f"the plan of {md(student.name)}" if student else "a plan"
        st.write(
            f"This private link opens {whose}, made before this class signed in with school accounts. Bring it into "
            f"your account, **{md(account.shown)}**, and it opens whenever you sign in, on any device. This can be "
            "done once: the private link stops working afterwards (an advisor link keeps working)."
        )
        if st.button("Bring this plan into my account", key="move-into-account", type="primary"):
            try:
                db.move_into_account(linked, account.issuer, account.subject)
            except (ValueError, LinkGone) as exc:
                st.error(md(str(exc) or "This private link no longer opens the plan. Nothing was changed."))
                return
            flash("success", "Your plan is now in your account. Its old private link no longer opens it.")
            _to_own_plan()
    if st.button("Open my account's plan", key="move-skip"):
        _to_own_plan()


def _to_own_plan() -> None:
    st.query_params.clear()
    st.session_state.pop(LINK_KEY, None)
    st.session_state.pop(WS_KEY, None)
    st.rerun()


def sign_out_button(*, key: str = "sign-out") -> None:
    """Sign out: the sign-in cookie goes, and this browser shows the sign-in page next, not the plan."""
    if st.button("Sign out", key=key, icon=":material/logout:"):
        account = signed_in_account()
        if account is not None:
            store().sign_out(account.issuer, account.subject)
        for name in (WS_KEY, LINK_KEY, SIGNED_IN_KEY):
            st.session_state.pop(name, None)
        st.logout()


def account_sidebar() -> None:
    """Who is signed in, and the way out (in the sidebar of every page when sign-in is on)."""
    account = signed_in_account()
    if account is None:
        return
    st.caption(f"Signed in as {md(account.shown)}")
    sign_out_button()
