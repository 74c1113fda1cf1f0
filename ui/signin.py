"""Staff sign-in: a password form checked against RATSINFO_STAFF_USERS, or streamlit's OIDC (st.login).

Fails closed: no staff accounts configured means no staff sign-in at all. Failures are throttled server-side,
per account name and per client address (``assistant.throttle``, shared by all sessions and workers): after
``RATSINFO_SIGN_IN_MAX_FAILURES`` the key is locked for a time that doubles with every further failure, and
a fresh session (a reload) changes nothing. Signing out clears the conversation (see ``state.sign_out``).
"""

from __future__ import annotations

import logging
import math

import streamlit as st

from ui import state
from ui.i18n import t
from ui.resources import Resources

log = logging.getLogger(__name__)


def _sso_configured() -> bool:
    try:
        return "auth" in st.secrets
    except Exception:  # noqa: BLE001 - no secrets file at all is the normal case
        return False


def _sso_staff(res: Resources) -> str | None:
    """The e-mail of an OIDC-signed-in user who is on the staff list, else None."""
    allowed = {e.strip().lower() for e in res.settings.staff_sso_emails.split(",") if e.strip()}
    if not allowed or not _sso_configured():
        return None
    try:
        if not st.user.is_logged_in:
            return None
        email = str(st.user.get("email") or "").lower()
    except Exception:  # noqa: BLE001 - st.user without auth configured
        return None
    return email if email in allowed else None


def _sso_sign_out() -> None:
    state.sign_out()
    st.logout()


def client_address() -> str | None:
    """The client's IP address as streamlit sees it (None under AppTest or when unknown)."""
    try:
        address = st.context.ip_address
    except Exception:  # noqa: BLE001 - no request context (bare script run)
        return None
    return str(address) if address else None


def _locked_message(lang: str, seconds: float) -> str:
    return t(lang, "locked", seconds=max(1, math.ceil(seconds)))


def _check(res: Resources) -> None:
    lang = state.lang()
    username = st.session_state.get("signin_username", "")
    password = st.session_state.get("signin_password", "")
    address = client_address()
    wait = res.throttle.locked_for(username, address)
    if wait > 0:  # locked: the password is not even checked
        st.session_state["signin_error"] = _locked_message(lang, wait)
        log.warning("staff sign-in refused while locked: %r from %s", username, address)
        return
    if res.staff.check(username, password):
        res.throttle.succeeded(username)
        st.session_state["staff_user"] = username.strip()
        log.info("staff sign-in: %s", username)
        return
    lockout = res.throttle.failed(username, address)
    st.session_state["signin_error"] = _locked_message(lang, lockout) if lockout else t(lang, "bad_credentials")
    log.warning("failed staff sign-in for %r from %s", username, address)


def render(res: Resources) -> None:
    """The staff box in the sidebar: sign-in form, or who is signed in and a sign-out button."""
    lang = state.lang()
    sso_user = _sso_staff(res)
    if sso_user and not state.staff_user():
        st.session_state["staff_user"] = sso_user
    with st.expander(t(lang, "staff"), expanded=bool(state.staff_user())):
        user = state.staff_user()
        if user:
            st.write(t(lang, "signed_in_as", user=user))
            st.toggle(t(lang, "include_nonpublic"), key="include_nonpublic")
            if sso_user:
                st.button(t(lang, "sign_out"), key="sign_out", on_click=_sso_sign_out)
            else:
                st.button(t(lang, "sign_out"), key="sign_out", on_click=state.sign_out)
            return
        if _sso_configured() and res.settings.staff_sso_emails:
            st.button(t(lang, "sign_in_sso"), key="sign_in_sso", on_click=st.login)
        if not res.staff.enabled:
            if not _sso_configured():
                st.caption(t(lang, "staff_disabled"))
            return
        with st.form("signin", clear_on_submit=True):
            st.text_input(t(lang, "username"), key="signin_username", autocomplete="username")
            st.text_input(t(lang, "password"), key="signin_password", type="password",
                          autocomplete="current-password")
            st.form_submit_button(t(lang, "sign_in"), key="signin_submit", on_click=_check, args=(res,))
        error = st.session_state.pop("signin_error", None)
        if error:
            st.error(error)
