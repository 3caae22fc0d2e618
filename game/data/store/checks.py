"""The checks a player's input must pass before anything is stored, in one place above every back end.

Every screen and the command line save through the store, so they all apply the same checks: initials
are exactly three letters A-Z and not on the deny-list (game.data.denylist); a lead needs explicit consent
(a ticked box, `True`, not a default), a name and an email of a plausible shape, and names of at most
120 characters; a team needs a name of at most 40. A refusal is an `InitialsError`, a `LeadError` or a
`StoreError` whose text can be shown as it is. What passes comes back tidied: initials upper-cased,
runs of spaces made one, an email NFC-normalised.

Emails are matched by Unicode case folding (`email_key`: NFC, then `str.casefold`), so `ZOË@EXAMPLE.COM`
finds `zoë@example.com`; addresses are stored as typed (NFC) and compared folded, so the rows kept by an
older version need no migration.
"""
from __future__ import annotations

import re
import unicodedata

from game.data.denylist import DENIED_MESSAGE, is_denied
from game.data.store.errors import InitialsError, LeadError, StoreError

_INITIALS = re.compile(r"[A-Z]{3}")
# A plausible address, not a proof of one (only sending a mail proves that): one @, a local part without
# spaces or a dot at either end, a domain of dot-separated labels of letters, digits and inner hyphens,
# ending in a top-level label of two or more letters (or an IDN's xn-- form). Unicode letters allowed.
_LOCAL = re.compile(r"[\w!#$%&'*+/=?^`{|}~-]+(?:\.[\w!#$%&'*+/=?^`{|}~-]+)*")
_LABEL = r"[^\W_](?:[\w-]{0,61}[^\W_])?"
_DOMAIN = re.compile(rf"(?:{_LABEL}\.)+(?:[^\W\d_]{{2,63}}|xn--[\w-]{{1,59}})")


def check_initials(initials: str) -> str:
    """`initials` upper-cased if they are exactly three letters A-Z and not on the deny-list; else
    InitialsError with a friendly sentence."""
    text = (initials or "").strip().upper()
    if not _INITIALS.fullmatch(text):
        raise InitialsError("Initials are three letters, A to Z.")
    if is_denied(text):
        raise InitialsError(DENIED_MESSAGE)
    return text


def email_key(email: str) -> str:
    """What two addresses that are the same mailbox share, for matching: NFC-normalised, surrounding
    spaces gone, Unicode case folding (`ZOË@EXAMPLE.COM`, `zoë@example.com` and `Zoe\u0308@Example.com`
    all give `zoë@example.com`)."""
    text = unicodedata.normalize("NFC", (email or "").strip()).casefold()
    return unicodedata.normalize("NFC", text)


def check_email(email: str) -> str:
    """`email` without surrounding spaces (NFC-normalised) if it has the shape of an address; else
    LeadError. No network."""
    text = unicodedata.normalize("NFC", (email or "").strip())
    local, at, domain = text.rpartition("@")
    if (not at or len(text) > 254 or len(local) > 64 or not _LOCAL.fullmatch(local)
            or not _DOMAIN.fullmatch(domain) or "_" in domain):
        raise LeadError("That email address does not look right. Please check it.")
    return text


def check_lead(name: str, company: str, email: str, consent: bool) -> tuple[str, str, str]:
    """(name, company, email) tidied, if a visitor may be kept: explicit consent (`consent is True`), a
    name, names no longer than we keep, a plausible email; else LeadError."""
    if consent is not True:
        raise LeadError("We can only keep your details if you tick the consent box.")
    name = " ".join((name or "").split())
    company = " ".join((company or "").split())
    if not name:
        raise LeadError("Please enter your name.")
    if len(name) > 120 or len(company) > 120:
        raise LeadError("That is longer than we can keep; please shorten it.")
    return name, company, check_email(email)


def check_team_name(name: str) -> str:
    """A team's name with its runs of spaces made one; StoreError when empty or over 40 characters."""
    name = " ".join((name or "").split())
    if not name:
        raise StoreError("A team needs a name.")
    if len(name) > 40:
        raise StoreError("Team names are at most 40 characters.")
    return name
