"""Following a row after an action: when it counts as settled."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from tui.resource import Resource
from tui.runbook.follow import follow_row


@dataclass(frozen=True)
class Row:
    status: str
    addresses: tuple[str, ...]


class Answers:
    """A resource whose refetch returns the scripted rows, the last one ever after."""

    def __init__(self, *rows: Row) -> None:
        self.rows = list(rows)
        self.asked = 0

    async def refetch(self, backend: object, row: Row) -> Row:
        self.asked += 1
        return self.rows.pop(0) if len(self.rows) > 1 else self.rows[0]

    def settled(self, row: Row) -> bool:
        return row.status == "ACTIVE"


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds


async def follow(answers: Answers, row: Row, **kwargs: Any) -> Row | None:
    clock = Clock()
    return await follow_row(
        cast(Resource, answers), object(), row, sleep=clock.sleep, clock=clock, **kwargs
    )  # type: ignore[arg-type]


async def test_a_row_whose_state_never_changes_settles_once_polling_is_slowest() -> None:
    row = Row("ACTIVE", ("10.0.0.5",))
    answers = Answers(row)
    assert await follow(answers, row) == row
    assert 3 <= answers.asked <= 10  # it stopped after reaching MAX_POLL, not at the first


async def test_a_call_finished_after_answering_is_followed_until_its_effect_shows() -> None:
    before = Row("ACTIVE", ("10.0.0.5", "10.0.0.9"))
    after = Row("ACTIVE", ("10.0.0.5",))
    answers = Answers(*[before] * 12, after)  # unchanged well past the slowest poll
    seen: list[Row] = []

    fresh = await follow(
        answers, before, update=seen.append, until=lambda r: "10.0.0.9" not in r.addresses
    )

    assert fresh == after
    assert answers.asked == 13
    assert seen[-1] == after and seen.count(before) == 12
