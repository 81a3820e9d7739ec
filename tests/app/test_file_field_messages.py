"""A file field says what is wrong with the path given — a directory, a file it cannot read,
something that is not a file — and keeps the path as typed."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.app.test_images_flavors import open_upload
from tests.app_helpers import demo_app, screen_text, settle
from tui.forms import Field, Form, validate


async def test_image_upload_given_a_directory_says_so_and_keeps_it(tmp_path: Path) -> None:
    app = demo_app()
    async with app.run_test(size=(140, 44)) as pilot:
        await settle(pilot)
        form = await open_upload(pilot, tmp_path)
        await pilot.press("ctrl+s")
        await pilot.pause()
        said = str(form.query_one("#help-path").render())
        assert said == f"✖ {tmp_path} is a directory: give an image file"
        assert "is a directory" in " ".join(screen_text(pilot).split())
        assert form.raw_values()["path"] == str(tmp_path)


def _file_error(path: Path, label: str = "Image file") -> str:
    form = Form("f", (Field("path", label, kind="file", required=True),))
    return validate(form, {"path": str(path)})[1].get("path", "")


def test_file_messages_name_what_is_wrong(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert _file_error(tmp_path / "gone.img") == f"no such file: {tmp_path / 'gone.img'}"
    assert _file_error(tmp_path, "Template file") == (
        f"{tmp_path} is a directory: give a template file"
    )
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    assert _file_error(fifo) == f"{fifo} is not a regular file: give an image file"
    locked = tmp_path / "locked.img"
    locked.write_bytes(b"x")
    real_access = os.access
    monkeypatch.setattr(
        os, "access", lambda p, mode: False if str(p) == str(locked) else real_access(p, mode)
    )
    assert _file_error(locked) == f"cannot read {locked}: permission denied"
