"""The `stackdeck` command: run the console, store a cloud's password in the keyring, or
check the settings file."""

from __future__ import annotations

import argparse
import gc
import getpass
import os
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from tui import __version__
from tui.config import Check, Settings, SettingsError, load_settings, shown
from tui.text import safe


class _Parser(argparse.ArgumentParser):
    """argparse, with what the user typed shown visibly in its complaints."""

    def error(self, message: str) -> NoReturn:
        super().error(safe(message))


if TYPE_CHECKING:
    from tui.app import StackdeckApp
    from tui.backend.base import Backend
    from tui.backend.http_debug import HttpDebugLog


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="stackdeck",
        description="A keyboard-driven terminal console for OpenStack operators.",
        epilog="Subcommands: 'stackdeck login CLOUD' stores a password in the OS keyring; "
        "'stackdeck logout CLOUD' removes it; 'stackdeck config --check [FILE]' checks the "
        "settings file; 'stackdeck config --defaults' prints every setting with its default.",
    )
    parser.add_argument(
        "resource", nargs="?", help="resource to open first (servers, hv, projects…)"
    )
    parser.add_argument(
        "--os-cloud",
        default=os.environ.get("OS_CLOUD"),
        metavar="NAME",
        help="cloud from clouds.yaml (default: $OS_CLOUD, else the OS_* variables)",
    )
    parser.add_argument("--demo", action="store_true", help="an in-memory demo cloud, no login")
    parser.add_argument(
        "--demo-servers", type=int, default=40, metavar="N", help="servers in the demo cloud"
    )
    parser.add_argument(
        "--demo-down-cell",
        type=int,
        default=0,
        metavar="N",
        help="the demo's last N servers are in a Nova cell that is down (docs/cells.md)",
    )
    parser.add_argument("--read-only", action="store_true", help="offer no mutating action")
    parser.add_argument(
        "--debug",
        nargs="?",
        const="requests",
        choices=("requests", "body"),
        metavar="body",
        help="write every HTTP request to the cloud (time, method, URL, status, request id) "
        "to debug.log in the state dir, --debug=body with what was sent and received; "
        "secrets masked (docs/debug.md)",
    )
    parser.add_argument(
        "--no-cache",
        action="store_true",
        help="neither show nor keep the last-seen rows of lists (setting: cache)",
    )
    parser.add_argument(
        "--clear-cache", action="store_true", help="remove the cached lists, then exit"
    )
    parser.add_argument(
        "--config",
        type=Path,
        metavar="PATH",
        help="stackdeck's settings file (default: $STACKDECK_CONFIG, else "
        "~/.config/stackdeck/config.toml)",
    )
    parser.add_argument("--version", action="version", version=f"stackdeck {__version__}")
    return parser


def _login(argv: Sequence[str], store: bool) -> int:
    parser = _Parser(prog=f"stackdeck {'login' if store else 'logout'}")
    parser.add_argument("cloud", help="cloud name from clouds.yaml")
    parser.add_argument("--username", help="user name (default: the one in clouds.yaml)")
    args = parser.parse_args(argv)
    from tui.backend import credentials
    from tui.backend.errors import ConfigError

    cloud = safe(args.cloud)
    try:
        username = args.username or credentials.cloud_username(args.cloud)
        user = safe(username) or "(no user)"
        if not store:
            credentials.delete_password(args.cloud, username)
            print(f"Removed the stored password for {user} on {cloud}.")
            return 0
        credentials.check_keyring()  # before the password is typed, not after
        password = getpass.getpass(f"Password for {user} on {cloud}: ")
        if not password:
            print("stackdeck: empty password, nothing stored.", file=sys.stderr)
            return 1
        credentials.set_password(args.cloud, username, password)
    except ConfigError as exc:
        print(f"stackdeck: {exc.message}", file=sys.stderr)
        return 2
    except credentials.KeyringUnavailable as exc:
        print(f"stackdeck: {exc}", file=sys.stderr)
        return 2
    print(f"Stored in the OS keyring for {user} on {cloud}.")
    return 0


def _theme(value: str) -> str:
    from textual.theme import BUILTIN_THEMES

    if value not in BUILTIN_THEMES:
        names = ", ".join(sorted(BUILTIN_THEMES))
        raise ValueError(f"must be one of {names}; not {shown(value)}")
    return value


def _start_resource(value: str) -> str:
    if value in ("", "servers"):  # the first screens the app opens without the registry
        return value
    return _resource_name(value)


def _resource_name(value: str) -> str:
    from tui.screens.resources.registry import lookup

    if lookup(value) is None:
        raise ValueError(f"{shown(value)} is no resource stackdeck has (e.g. servers, hv, volumes)")
    return value


# The settings whose good values only the UI knows: tui.config imports no Textual and no
# screen, so they are checked here, when the file is loaded.
UI_CHECKS: Mapping[str, Check] = {
    "theme": _theme,
    "start_resource": _start_resource,
    "refresh.*": _resource_name,  # [refresh] NAME = seconds
}


def _config(argv: Sequence[str]) -> int:
    """`stackdeck config --check [FILE]` / `--defaults`: 0 when the file is good, else 1."""
    from tui.config import defaults_text, settings_file

    parser = _Parser(
        prog="stackdeck config",
        description="Check stackdeck's settings file, or print one with every setting.",
    )
    what = parser.add_mutually_exclusive_group(required=True)
    what.add_argument(
        "--check",
        nargs="?",
        const="",
        type=str,
        metavar="FILE",
        help="check FILE (default: the file stackdeck reads, $STACKDECK_CONFIG, else "
        "~/.config/stackdeck/config.toml) and say what is wrong, with its line",
    )
    what.add_argument(
        "--defaults",
        action="store_true",
        help="print the settings file with every key, its default and what it does",
    )
    args = parser.parse_args(argv)
    if args.defaults:
        sys.stdout.write(defaults_text())
        return 0
    try:
        settings = load_settings(Path(args.check) if args.check else None, UI_CHECKS)
    except SettingsError as exc:
        print("\n".join(exc.problems))
        count = len(exc.problems)
        print(f"{count} problem{'s' if count > 1 else ''}: stackdeck would not start.")
        return 1
    if settings.source:
        print(f"OK: {safe(settings.source)}")
    else:
        print(
            f"OK: no settings file at {safe(str(settings_file()))}: every setting is at its "
            "default ('stackdeck config --defaults' shows them)."
        )
    return 0


def build_settings(args: argparse.Namespace) -> Settings:
    settings = load_settings(args.config, UI_CHECKS)
    if args.os_cloud:
        settings.cloud = args.os_cloud
    settings.read_only = settings.read_only or args.read_only
    settings.demo = args.demo
    settings.cache = settings.cache and not args.no_cache
    if args.resource:
        settings.start_resource = args.resource
    return settings


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] in ("login", "logout"):
        return _login(argv[1:], store=argv[0] == "login")
    if argv and argv[0] == "config":
        return _config(argv[1:])
    # No cyclic GC until the first screen is drawn (the app then freezes what start-up made
    # and turns it back on): start-up allocates much and frees little, so the collections
    # it would trigger find next to nothing and cost ~20 ms of a ~200 ms start.
    gc.disable()
    args = _parser().parse_args(argv)
    try:
        settings = build_settings(args)
    except SettingsError as exc:
        for problem in exc.problems:
            print(f"stackdeck: {problem}", file=sys.stderr)
        print(
            "stackdeck: every setting, with its default: 'stackdeck config --defaults'.",
            file=sys.stderr,
        )
        return 2
    if args.clear_cache:
        from tui.list_cache import ListCache

        cache = ListCache()
        removed = cache.clear()
        print(f"stackdeck: removed {removed} cached file(s) from {safe(str(cache.root))}.")
        return 0

    from tui.app import StackdeckApp
    from tui.backend.audit import AuditLog
    from tui.config import state_dir

    audit = AuditLog(state_dir() / "audit.jsonl")
    backend: Backend
    if settings.demo:
        from tui.backend.memory import MemoryBackend

        backend = MemoryBackend(
            servers=args.demo_servers, read_only=settings.read_only, audit=audit
        )
        if args.demo_down_cell > 0:
            backend.mark_cell_down(backend.last_servers(args.demo_down_cell))
    else:
        from tui.backend.credentials import get_password
        from tui.backend.openstack import OpenStackBackend

        backend = OpenStackBackend(
            settings.cloud,
            password_lookup=get_password,
            read_only=settings.read_only,
            audit=audit,
            http_debug=_debug_log(args.debug, settings.cloud),
        )
    code = _run(StackdeckApp(backend, settings, audit=audit))
    if args.debug:
        log = getattr(backend, "http_debug", None)
        told = f"logged in {safe(str(log.path))}" if log else "none: the demo cloud sends none"
        print(f"stackdeck: --debug: HTTP requests {told}.", file=sys.stderr)
    return code


def _debug_log(mode: str | None, cloud: str | None) -> HttpDebugLog | None:
    """`--debug`'s log, its session noted at the top; None without the flag."""
    if not mode:
        return None
    from tui.backend.http_debug import HttpDebugLog
    from tui.config import state_dir

    log = HttpDebugLog.open(state_dir(), bodies=mode == "body")
    log.note(f"stackdeck {__version__}, cloud {cloud or '(OS_* variables)'}, --debug={mode}")
    return log


def _run(app: StackdeckApp, **run_options: Any) -> int:
    """Run the app; non-zero, with one line naming the crash file, when it ended on a bug."""
    import io

    from rich.console import Console

    from tui.text import safe

    # A failure inside Textual's own code ends the app with a report Textual prints to its
    # error console, local variables included: it goes to the crash file, not the terminal.
    textual_report = io.StringIO()
    app.error_console = Console(file=textual_report, width=120, color_system=None)
    try:
        app.run(**run_options)
    except Exception as exc:  # raised past Textual itself (the driver, the terminal)
        app.crash = app.crash or app.crashes.record(exc, "running stackdeck")
    if app.crash is None and textual_report.getvalue().strip():
        app.crash = app.crashes.record_report(textual_report.getvalue(), "inside Textual")
    crash = app.crash
    if crash is not None:
        where = f"the full report is in {safe(str(crash.path))}" if crash.path else crash.error
        print(
            f"stackdeck: ended on an unexpected failure: {crash.summary}; {where}.", file=sys.stderr
        )
        return 1
    if survived := [str(c.path) for c in app.crashes.crashes if c.path is not None]:
        # the session went on past them; where the reports are is worth one line
        print(
            f"stackdeck: {len(survived)} unexpected failure(s) this session, reported in "
            f"{safe(', '.join(survived))}",
            file=sys.stderr,
        )
    return app.return_code or 0


if __name__ == "__main__":
    raise SystemExit(main())
