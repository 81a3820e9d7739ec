"""Crash files: the traceback of an unexpected failure, private to the user, once per bug."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from tui import cli
from tui.app import StackdeckApp
from tui.backend.memory import MemoryBackend
from tui.config import Settings
from tui.crash import CrashLog, summary


def failure(message: str) -> Exception:
    password = "s3cret-in-a-local"  # noqa: F841 - a local a traceback must not carry
    try:
        raise AttributeError(message)
    except AttributeError as exc:
        return exc


def test_a_crash_file_is_private_and_holds_the_traceback(crash_dir: Path) -> None:
    crash = CrashLog().record(
        failure("'NoneType' object has no attribute 'name'"), "Servers · load"
    )
    assert crash.path is not None and crash.path.parent == crash_dir
    assert crash.path.name.startswith("crash-") and crash.path.suffix == ".txt"
    assert stat.S_IMODE(crash.path.stat().st_mode) == 0o600
    assert stat.S_IMODE(crash_dir.stat().st_mode) == 0o700
    text = crash.path.read_text(encoding="utf-8")
    assert "Servers · load" in text and "Traceback (most recent call last)" in text
    assert "in failure" in text and "AttributeError: 'NoneType' object has no attribute" in text
    assert "s3cret-in-a-local" not in text.replace('password = "s3cret-in-a-local"', "")
    assert crash.summary == "AttributeError: 'NoneType' object has no attribute 'name'"


def test_an_existing_state_folder_is_made_private(crash_dir: Path) -> None:
    crash_dir.mkdir(parents=True, mode=0o755)
    CrashLog().record(failure("x"))
    assert stat.S_IMODE(crash_dir.stat().st_mode) == 0o700


def test_the_same_failure_is_written_once_and_others_apart(crash_dir: Path) -> None:
    log = CrashLog()
    error = failure("same")
    first = log.record(error)
    again = log.record(error)
    other = log.record(failure("other"))
    assert again.repeated and again.path == first.path and not first.repeated
    assert other.path not in (None, first.path)
    assert len(list(crash_dir.glob("crash-*.txt"))) == 2


def test_escapes_in_a_message_never_reach_the_file_or_the_summary(crash_dir: Path) -> None:
    hostile = "bad [/] name\x1b]52;c;AAAA\x07\x9b2J\u202e\nsecond line"
    crash = CrashLog().record(failure(hostile))
    assert crash.summary == "AttributeError: bad [/] name␛]52;c;AAAA␇\\x9b2J\\u202e"
    assert crash.path is not None
    text = crash.path.read_text(encoding="utf-8")
    assert not any(c in text for c in "\x1b\x07\x9b\u202e")
    assert "second line" in text


def test_a_long_message_is_summed_up_in_one_short_line() -> None:
    text = summary(ValueError("x" * 10_000))
    assert len(text) <= 300 and text.endswith("…") and "\n" not in text
    assert summary(KeyError()) == "KeyError"


def test_a_crash_file_that_cannot_be_written_is_said(tmp_path: Path) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("")
    crash = CrashLog(blocked / "stackdeck").record(failure("x"))
    assert crash.path is None and crash.error
    assert crash.summary == "AttributeError: x"


class BrokenDriverApp(StackdeckApp):
    def run(self, *args: object, **kwargs: object) -> None:
        raise RuntimeError("the terminal went away [/]")


def app_of(cls: type[StackdeckApp] = StackdeckApp) -> StackdeckApp:
    return cls(MemoryBackend(servers=3), Settings(demo=True, refresh_seconds=0))


def test_ending_on_a_failure_exits_non_zero_with_one_line(
    crash_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli._run(app_of(BrokenDriverApp)) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert "RuntimeError: the terminal went away [/]" in err
    (path,) = crash_dir.glob("crash-*.txt")
    assert str(path) in err
    assert "the terminal went away" in path.read_text(encoding="utf-8")


async def test_a_failure_while_stopping_ends_the_session_with_status_1(crash_dir: Path) -> None:
    app = app_of()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        app.exit()
        app.report_failure(ValueError("while closing"))
    assert app.return_code == 1
    assert app.crash is not None and app.crash.summary == "ValueError: while closing"
    assert app.crash.path is not None and app.crash.path.is_file()


async def test_a_quit_without_failure_exits_zero(capsys: pytest.CaptureFixture[str]) -> None:
    class QuitAtOnce(StackdeckApp):
        def run(self, *args: object, **kwargs: object) -> None:
            return None

    assert cli._run(app_of(QuitAtOnce)) == 0
    assert capsys.readouterr().err == ""


def test_a_session_that_went_on_past_a_failure_exits_zero_and_names_the_report(
    crash_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    class SurvivedOne(StackdeckApp):
        def run(self, *args: object, **kwargs: object) -> None:
            self.crashes.record(failure("recovered"), "Servers · load")

    assert cli._run(app_of(SurvivedOne)) == 0
    err = capsys.readouterr().err
    (path,) = crash_dir.glob("crash-*.txt")
    assert err.count("\n") == 1 and "1 unexpected failure(s)" in err and str(path) in err


class TextualFailsApp(StackdeckApp):
    """A failure stackdeck's guard never sees, as when Textual's own code fails: a plain
    Textual widget whose drawing raises, with a local Textual's report would print."""

    def on_mount(self) -> None:
        from textual.widgets import Static

        class Unguarded(Static):
            def render(self) -> str:
                password = "hunter2-password"
                raise LookupError(f"no glyph for {len(password)} cells")

        self.mount(Unguarded())


def test_a_failure_inside_textual_goes_to_the_crash_file_not_the_terminal(
    crash_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli._run(app_of(TextualFailsApp), headless=True) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err and "locals" not in err.lower()
    assert "LookupError: no glyph for 16 cells" in err and "hunter2" not in err
    (path,) = crash_dir.glob("crash-*.txt")
    assert str(path) in err
    report = path.read_text(encoding="utf-8")
    assert "inside Textual" in report and "LookupError" in report
    assert oct(path.stat().st_mode & 0o777) == "0o600"
