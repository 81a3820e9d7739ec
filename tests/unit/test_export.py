"""The CSV writer any list can export with: text, formulas neutralised, mode 0600, the
file replaced only when asked, clear refusals naming the path."""

from __future__ import annotations

import csv
import io
import os
import stat
from pathlib import Path

import pytest

from tui.export import Column, ExportError, cell, csv_text, file_slug, path_problem, write_csv

COLUMNS = (Column("id", lambda r: r["id"]), Column("name", lambda r: r.get("name")))
ROWS = [{"id": "1", "name": 'web, "one"'}, {"id": "2", "name": None}, {"id": "3", "name": "=2+5"}]


def parsed(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def test_rows_and_columns_make_a_csv_with_a_header() -> None:
    assert parsed(csv_text(ROWS, COLUMNS)) == [
        ["id", "name"],
        ["1", 'web, "one"'],
        ["2", ""],
        ["3", "'=2+5"],
    ]


@pytest.mark.parametrize("text", ["=cmd|' /C calc'!A0", "+1", "-1+1", "@SUM(A1)", "\tx", "\rx"])
def test_a_cell_a_spreadsheet_would_run_stays_text(text: str) -> None:
    assert cell(text) == "'" + text
    assert cell("10.0.0.5") == "10.0.0.5" and cell(None) == "" and cell(3) == "3"


def test_the_file_is_made_readable_by_its_owner_only(tmp_path: Path) -> None:
    target = write_csv(tmp_path / "out.csv", ROWS, COLUMNS)
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert parsed(target.read_text())[1] == ["1", 'web, "one"']


def test_an_existing_file_is_replaced_only_when_asked(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    target.write_text("keep me")
    target.chmod(0o644)
    assert path_problem(target) == f"{target} exists: tick overwrite to replace it"
    with pytest.raises(ExportError, match="exists"):
        write_csv(target, ROWS, COLUMNS)
    assert target.read_text() == "keep me"
    write_csv(target, ROWS, COLUMNS, overwrite=True)
    assert parsed(target.read_text())[0] == ["id", "name"]
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"], "no temporary file left"


def test_a_directory_or_a_missing_or_closed_folder_is_said(tmp_path: Path) -> None:
    assert path_problem(tmp_path) == f"{tmp_path} is a directory: give a file name"
    missing = tmp_path / "nowhere" / "x.csv"
    assert path_problem(missing) == f"no such directory: {missing.parent}"
    with pytest.raises(ExportError, match="no such directory"):
        write_csv(missing, ROWS, COLUMNS)
    if os.geteuid() != 0:  # root writes anywhere
        closed = tmp_path / "closed"
        closed.mkdir(mode=0o500)
        assert path_problem(closed / "x.csv") == f"cannot write in {closed}"


def test_a_symlink_is_never_followed(tmp_path: Path) -> None:
    victim = tmp_path / "victim"
    victim.write_text("secret")
    link = tmp_path / "link.csv"
    link.symlink_to(victim)
    with pytest.raises(ExportError, match="exists"):
        write_csv(link, ROWS, COLUMNS)
    write_csv(link, ROWS, COLUMNS, overwrite=True)  # the link is replaced, not its target
    assert victim.read_text() == "secret" and not link.is_symlink()


def test_file_slug() -> None:
    assert file_slug("my project/ü 1") == "my_project_1"
    assert file_slug("../..") == "export"
