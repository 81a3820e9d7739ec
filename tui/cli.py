"""The `stackdeck` command: run the console, or store a cloud's password in the keyring."""

from __future__ import annotations

import argparse
import gc
import getpass
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from tui import __version__
from tui.config import Settings, SettingsError, load_settings
from tui.text import safe


class _Parser(argparse.ArgumentParser):
    """argparse, with what the user typed shown visibly in its complaints."""

    def error(self, message: str) -> NoReturn:
        super().error(safe(message))


if TYPE_CHECKING:
    from tui.app import StackdeckApp


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="stackdeck",
        description="A keyboard-driven terminal console for OpenStack operators.",
        epilog="Subcommands: 'stackdeck login CLOUD' stores a password in the OS keyring; "
        "'stackdeck logout CLOUD' removes it.",
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
    parser.add_argument("--read-only", action="store_true", help="offer no mutating action")
    parser.add_argument("--config", type=Path, metavar="PATH", help="stackdeck's settings file")
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


def build_settings(args: argparse.Namespace) -> Settings:
    settings = load_settings(args.config)
    if args.os_cloud:
        settings.cloud = args.os_cloud
    settings.read_only = settings.read_only or args.read_only
    settings.demo = args.demo
    if args.resource:
        settings.start_resource = args.resource
    _check_theme(settings)
    return settings


def _check_theme(settings: Settings) -> None:
    from textual.theme import BUILTIN_THEMES

    if settings.theme not in BUILTIN_THEMES:
        names = ", ".join(sorted(BUILTIN_THEMES))
        raise SettingsError(
            f"{safe(settings.source)}: 'theme' must be one of {names}, "
            f"not {safe(repr(settings.theme))}"
        )


def main(argv: Sequence[str] | None = None) -> int:
    # No cyclic GC until the first screen is drawn (the app then freezes what start-up made
    # and turns it back on): start-up allocates much and frees little, so the collections
    # it would trigger find next to nothing and cost ~20 ms of a ~200 ms start.
    gc.disable()
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] in ("login", "logout"):
        return _login(argv[1:], store=argv[0] == "login")
    args = _parser().parse_args(argv)
    try:
        settings = build_settings(args)
    except SettingsError as exc:
        print(f"stackdeck: {exc}", file=sys.stderr)
        return 2

    from tui.app import StackdeckApp
    from tui.backend.audit import default_audit_log

    audit = default_audit_log()
    if settings.demo:
        from tui.backend.memory import MemoryBackend

        backend = MemoryBackend(
            servers=args.demo_servers, read_only=settings.read_only, audit=audit
        )
    else:
        from tui.backend.credentials import get_password
        from tui.backend.openstack import OpenStackBackend

        backend = OpenStackBackend(
            settings.cloud,
            password_lookup=get_password,
            read_only=settings.read_only,
            audit=audit,
        )
    return _run(StackdeckApp(backend, settings, audit=audit))


def _run(app: StackdeckApp) -> int:
    """Run the app; non-zero, with one line naming the crash file, when it ended on a bug."""
    from tui.text import safe

    try:
        app.run()
    except Exception as exc:  # raised past Textual itself (the driver, the terminal)
        app.crash = app.crash or app.crashes.record(exc, "running stackdeck")
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
