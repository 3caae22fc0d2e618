"""Words for messages: how a problem quotes what a user wrote, and offers the name they probably meant.

Every message of the engine may quote what the user typed or a file holds: a key, a value, a file name, a
team name. `printable` shows the control and format characters in it escaped (`\x1b`, `\u202e`), so that
printing a message can neither drive the terminal nor split one problem over two lines (the one escaper:
`Problem.__str__`, `engine.files`, the command line and the game's logs use it). `shorten` cuts a long
value in the middle, `what` says what kind of value it is ("the number 5", "a list"), and `suggest` adds
"; did you mean 'x'?" when a known name is close to a mistyped one.

Nothing here knows about YAML, scenarios or maps: the file format, the rules, the penalties
and the distributions all word their problems with these, from below them.
"""
from __future__ import annotations

import difflib
import unicodedata

__all__ = ["printable", "shorten", "what", "suggest"]

_ESCAPES = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def _unsafe(char: str) -> bool:
    # Control (Cc), format (Cf: bidi overrides, zero-width spaces), line and paragraph separators, private
    # use and lone surrogates (the bytes of a file name that is not UTF-8). The zero-width joiner stays:
    # emoji in team names are built with it and it moves no cursor.
    return unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp", "Co", "Cs") and char != "\u200d"


def printable(text: str) -> str:
    """`text` safe to print on one line of a terminal: control and format characters shown escaped
    (`\x1b`, `\n`, `\u202e`), a byte that was not UTF-8 in a file name as `\xff`; all else unchanged."""
    text = str(text)
    if text.isascii() and text.isprintable():
        return text
    out = []
    for char in text:
        if not _unsafe(char):
            out.append(char)
            continue
        code = ord(char)
        if char in _ESCAPES:
            out.append(_ESCAPES[char])
        elif 0xDC80 <= code <= 0xDCFF:  # os.fsdecode's stand-in for the byte code - 0xDC00
            out.append(f"\\x{code - 0xDC00:02x}")
        elif code < 0x100:
            out.append(f"\\x{code:02x}")
        elif code < 0x10000:
            out.append(f"\\u{code:04x}")
        else:
            out.append(f"\\U{code:08x}")
    return "".join(out)


def shorten(text: str, limit: int = 40) -> str:
    """`text` cut in the middle when longer than `limit`, for quoting a value in a one-line message."""
    text = str(text)
    if len(text) <= limit:
        return text
    keep = (limit - 3) // 2
    return f"{text[:keep]}...{text[-keep:]}"


def slug(text: str, taken: set[str]) -> str:
    """An id from a name, as a scenario file writes ids: lower case, words joined by `_`, not starting with
    a digit, unique among `taken` (which it joins: `order`, `order_2`, ...)."""
    import re

    base = re.sub(r"[^a-z0-9]+", "_", str(text).lower()).strip("_") or "step"
    base = f"s_{base}" if base[0].isdigit() else base
    out, n = base, 2
    while out in taken:
        out, n = f"{base}_{n}", n + 1
    taken.add(out)
    return out


def suggest(word: str, choices) -> str:
    """'; did you mean 'x'?' when a choice is close to `word`, else ''."""
    if not isinstance(word, str):
        return ""
    close = difflib.get_close_matches(word, [c for c in choices if isinstance(c, str)], n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""


def what(value) -> str:
    """How a value reads to a person, for 'expected X, got Y'."""
    if isinstance(value, bool):
        return f"'{str(value).lower()}'"
    if isinstance(value, (int, float)):
        return f"the number {value:g}"
    if isinstance(value, str):
        short = value if len(value) <= 30 else value[:27] + "..."
        return f"the text '{short}'"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if value is None:
        return "nothing"
    return type(value).__name__
