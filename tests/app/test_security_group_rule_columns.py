"""A security group's rules show their column titles whole at 120 columns, and the
essential ones (direction, protocol, ports) at 80."""

from __future__ import annotations

import pytest

from tests.app.test_compute_network_volume_screens import goto
from tests.app_helpers import demo_app, screen_text, settle


def header_line(text: str) -> str:
    return next(line for line in text.splitlines() if "Direction" in line or "Directi" in line)


@pytest.mark.parametrize(
    ("width", "titles"),
    [
        (120, ("Direction", "Ether", "Protocol", "Ports", "Remote", "Description")),
        (80, ("Direction", "Ether", "Protocol", "Ports", "Remote")),
    ],
)
async def test_rule_column_titles_are_whole(width: int, titles: tuple[str, ...]) -> None:
    app = demo_app()
    async with app.run_test(size=(width, 30)) as pilot:
        await settle(pilot)
        groups = await goto(pilot, "sg")
        assert groups.table.row_count
        await pilot.press("enter")
        await settle(pilot)
        header = header_line(screen_text(pilot))
        words = header.split()
        for title in titles:
            assert title in words, f"{title!r} cut at {width} columns: {header.strip()}"
