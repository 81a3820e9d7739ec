"""Textual stylesheets. The app loads the ones every list needs; a screen with styles of its
own names them in its ``CSS_PATH``, so they are parsed when it first opens, not at start."""

from pathlib import Path

STYLES = Path(__file__).parent
APP_STYLES = ("app.tcss", "resource.tcss", "table.tcss")
