"""A session's secrets are masked in any encoding, also inside longer text."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from urllib.parse import quote, quote_plus

import pytest

from tui.backend.audit import AuditLog, AuditRecord
from tui.backend.errors import BackendError
from tui.secrets import HIDDEN, Secrets

PASSWORD = 'pä$$ wörd/+é"x'


def spellings(secret: str) -> dict[str, str]:
    """How services and libraries write a secret back, by name (what the tests look for)."""
    data = secret.encode()
    return {
        "plain": secret,
        "json": json.dumps(secret)[1:-1],
        "json-utf8": json.dumps(secret, ensure_ascii=False)[1:-1],
        "quote": quote(secret),
        "quote-nothing-safe": quote(secret, safe=""),
        "quote_plus": quote_plus(secret),
        "base64": base64.b64encode(data).decode(),
        "base64-url": base64.urlsafe_b64encode(data).decode(),
        "repr": repr(secret),
    }


def leaked(text: str, secret: str) -> list[str]:
    return [name for name, spelled in spellings(secret).items() if spelled in text]


@pytest.fixture
def secrets() -> Secrets:
    registry = Secrets()
    registry.add(PASSWORD)
    return registry


@pytest.mark.parametrize("encoding", list(spellings(PASSWORD)))
def test_every_encoding_is_masked_inside_longer_text(secrets: Secrets, encoding: str) -> None:
    spelled = spellings(PASSWORD)[encoding]
    text = f"Invalid input for field 'password': {spelled} (request {{'a': 1}})"
    redacted = secrets.redact(text)
    assert leaked(redacted, PASSWORD) == []
    assert redacted.startswith("Invalid input for field 'password': ")
    assert HIDDEN in redacted and redacted.endswith("(request {'a': 1})")


def test_a_json_body_echoed_whole_is_masked(secrets: Secrets) -> None:
    body = {"user": {"password": PASSWORD, "name": "alice"}}
    for echoed in (
        json.dumps(body),
        json.dumps(body, ensure_ascii=False),
        json.dumps(json.dumps(body)),
    ):
        redacted = secrets.redact(f"400 Bad Request: {echoed}")
        assert leaked(redacted, PASSWORD) == [] and "alice" in redacted


@pytest.mark.parametrize("prefix", ["", "u:", "us:", "use:"])
def test_base64_of_longer_data_holding_the_secret_is_masked(secrets: Secrets, prefix: str) -> None:
    """An Authorization header echoed: the secret sits at any alignment of the encoding."""
    header = base64.b64encode(f"{prefix}{PASSWORD}".encode()).decode()
    redacted = secrets.redact(f"Basic {header}")
    assert HIDDEN in redacted
    # at most the two bytes on either side that share a base64 group with other data stay
    assert len(redacted.replace(HIDDEN, "")) <= len("Basic ") + 8


def test_tokens_and_several_secrets_are_all_masked() -> None:
    registry = Secrets()
    token = "gAAAAABn-" + "x" * 120
    registry.add(token)
    registry.add("hunter22")
    assert registry.redact(f"token {token} then hunter22.") == f"token {HIDDEN} then {HIDDEN}."


def test_nothing_registered_or_too_short_changes_nothing() -> None:
    registry = Secrets()
    assert registry.redact("plain text") == "plain text"
    registry.add("")
    registry.add(None)
    registry.add("abc")
    assert registry.redact("abc abc") == "abc abc"


def test_an_error_is_masked_in_its_message_and_arguments(secrets: Secrets) -> None:
    exc = BackendError(f"Keystone: bad password {json.dumps(PASSWORD)}", status=400)
    secrets.redact_error(exc)
    assert leaked(exc.message, PASSWORD) == []
    assert leaked(str(exc), PASSWORD) == [] and leaked(repr(exc.args), PASSWORD) == []


def test_the_audit_log_masks_every_field(tmp_path: Path, secrets: Secrets) -> None:
    audit = AuditLog(tmp_path / "audit.jsonl")
    record = AuditRecord(
        time="t",
        cloud="c",
        project="p",
        user="u",
        action="set-password",
        target=f"user {quote(PASSWORD)}",
        result=f"error: 400 echo {json.dumps(PASSWORD)}",
        request_id="req-1",
    )
    audit.record(record, secrets)
    written = (tmp_path / "audit.jsonl").read_text()
    assert leaked(written, PASSWORD) == [] and leaked(json.loads(written)["result"], PASSWORD) == []
    assert json.loads(written)["request_id"] == "req-1"
