"""How keys are written for people: `slash` is `/`, `question_mark` is `?`."""

from __future__ import annotations

_LABELS = {
    "slash": "/",
    "question_mark": "?",
    "colon": ":",
    "less_than_sign": "<",
    "greater_than_sign": ">",
    "asterisk": "*",
    "plus": "+",
    "minus": "-",
    "full_stop": ".",
    "escape": "esc",
}


def key_label(key: str) -> str:
    return _LABELS.get(key, key)
