"""The repository's own text: no merge left half-done, no test or code named by issue number."""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
FOLDERS = ("tui", "screens", "widgets", "styles", "tests", "bench", "devcloud", "docs", "bin")
SUFFIXES = {".py", ".md", ".tcss", ".toml", ".cfg", ".conf", ".ini", ".sh", ".yaml", ""}
CONFLICT = re.compile(r"^(<<<<<<<|>>>>>>>)( |$)", re.M)
ISSUE_NAME = re.compile(r"\bissue[ _-]?#?\d+\b", re.I)


def text_files() -> list[Path]:
    files = [REPO / "README.md", REPO / "pyproject.toml"]
    for folder in FOLDERS:
        files += [
            p
            for p in (REPO / folder).rglob("*")
            if p.is_file()
            and p.suffix in SUFFIXES
            and not any(part.startswith(".") or part == "__pycache__" for part in p.parts)
        ]
    return files


def read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (UnicodeDecodeError, OSError):
        return ""


def test_no_merge_conflict_markers_are_left() -> None:
    left = [str(p.relative_to(REPO)) for p in text_files() if CONFLICT.search(read(p))]
    assert left == []


def test_code_and_tests_are_named_by_feature_not_issue_number() -> None:
    named = [
        f"{p.relative_to(REPO)}: {m.group(0)}"
        for p in text_files()
        if p.suffix == ".py" and p.name != Path(__file__).name
        for m in ISSUE_NAME.finditer(p.name + "\n" + read(p))
    ]
    assert named == []
