"""Secrets a session has seen, and their removal from any text before it is shown or written.

What is typed into a secret field and our tokens are registered with the backend's
``Secrets`` (one per backend, so per cloud context; the password of clouds.yaml is not:
a weak one, ``admin``, would mask user and project names). Services echo bad
requests back in their error messages, re-encoded: JSON-escaped (``p\\u00e9``),
URL-encoded, base64 (an ``Authorization`` header), Python reprs. ``redact`` replaces each
of those encodings, also inside longer text, before a message reaches the screen, a
notification, the audit log, a log or a crash file. No Textual here.
"""

from __future__ import annotations

import re
import threading

from tui.text import safe

HIDDEN = "****"
# Shorter values are not registered: masking every 'abc' would garble messages, and a
# value that short is no secret anyway.
MIN_LENGTH = 4


def encodings(secret: str) -> set[str]:
    """Every spelling of ``secret`` that a service or a library may write back."""
    import html  # not on the start-up path: the first secret comes later
    import json
    from urllib.parse import quote, quote_plus

    ascii_json = json.dumps(secret)[1:-1]
    texts = {
        secret,
        safe(secret),
        ascii_json,
        json.dumps(secret, ensure_ascii=False)[1:-1],
        json.dumps(ascii_json)[1:-1],  # a JSON body quoted in a JSON message
        quote(secret),
        quote(secret, safe=""),
        quote_plus(secret),
        html.escape(secret),
        repr(secret)[1:-1],
        secret.encode("unicode_escape").decode("ascii"),
        repr(secret.encode())[2:-1],
    }
    spelled = set(texts)
    for text in texts:  # base64 of an echoed body holds the secret as that body spells it
        spelled |= _base64(text.encode())
    return {s for s in spelled if len(s) >= MIN_LENGTH}


def _base64(data: bytes) -> set[str]:
    """The whole value encoded, and the part of it that shows unchanged wherever it sits
    inside longer encoded data (for each of the three alignments)."""
    import base64

    found: set[str] = set()
    for encode in (base64.b64encode, base64.urlsafe_b64encode):
        whole = encode(data).decode("ascii")
        found |= {whole, whole.rstrip("=")}
        for start in range(3):
            chunk = data[start:]
            chunk = chunk[: len(chunk) // 3 * 3]
            if chunk:
                found.add(encode(chunk).decode("ascii"))
    return found


class Secrets:
    """The secrets of one session (one backend); thread-safe, cheap when empty."""

    def __init__(self) -> None:
        self._values: set[str] = set()
        self._pattern: re.Pattern[str] | None = None
        self._lock = threading.Lock()

    def add(self, secret: str | None) -> None:
        """Remember a secret from now on (ignored when empty or shorter than MIN_LENGTH)."""
        if not secret or len(secret) < MIN_LENGTH or secret in self._values:
            return
        with self._lock:
            self._values.add(secret)
            spelled = set().union(*(encodings(v) for v in self._values))
            # longest first, so a longer spelling is masked whole, not around a shorter one
            ordered = sorted(spelled, key=len, reverse=True)
            self._pattern = re.compile("|".join(map(re.escape, ordered)), re.IGNORECASE)

    def redact(self, text: str) -> str:
        """``text`` with every registered secret, in any of its encodings, masked."""
        pattern = self._pattern
        if pattern is None or not text:
            return text
        return pattern.sub(HIDDEN, text)

    def redact_error(self, exc: BaseException) -> None:
        """Mask the secrets in an exception's message and arguments, in place."""
        exc.args = tuple(self.redact(a) if isinstance(a, str) else a for a in exc.args)
        message = getattr(exc, "message", None)
        if isinstance(message, str):
            exc.message = self.redact(message)  # type: ignore[attr-defined]
