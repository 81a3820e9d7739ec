"""A session's secrets are masked in any encoding, also inside longer text."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from urllib.parse import quote

import pytest

from tests.leaks import leaks as leaked
from tests.leaks import spellings
from tui.backend.audit import AuditLog, AuditRecord
from tui.backend.errors import BackendError
from tui.secrets import HIDDEN, Secrets

PASSWORD = 'pä$$ wörd/+é"x'


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
    assert leaked(f"Basic {header}", PASSWORD), "the check itself finds it"
    redacted = secrets.redact(f"Basic {header}")
    assert HIDDEN in redacted and leaked(redacted, PASSWORD) == []


@pytest.mark.parametrize("ensure_ascii", [True, False])
def test_base64_of_an_echoed_json_body_is_masked(secrets: Secrets, ensure_ascii: bool) -> None:
    body = json.dumps({"user": {"password": PASSWORD}}, ensure_ascii=ensure_ascii)
    echoed = base64.b64encode(body.encode()).decode()
    redacted = secrets.redact(f"body: {echoed}")
    assert HIDDEN in redacted and leaked(redacted, PASSWORD) == []


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
