"""The overview's volume lists: the statuses wanted asked in a few requests, not one each."""

from __future__ import annotations

from tui.backend.openstack.health import status_queries
from tui.screens.resources.overview import VOLUME_ERRORS, VOLUME_TRANSITIONS


def test_every_error_state_is_one_inexact_filter() -> None:
    assert status_queries(VOLUME_ERRORS, like=True) == [("status~", "error")]


def test_transitions_are_one_inexact_filter_and_the_odd_one_out() -> None:
    assert status_queries(VOLUME_TRANSITIONS, like=True) == [
        ("status~", "ing"),
        ("status", "maintenance"),
    ]


def test_an_older_cinder_is_asked_one_status_at_a_time() -> None:
    queries = status_queries(VOLUME_ERRORS, like=False)
    assert sorted(value for _, value in queries) == sorted(VOLUME_ERRORS)
    assert {key for key, _ in queries} == {"status"}


def test_a_lone_status_keeps_its_exact_filter() -> None:
    assert status_queries(("error", "available"), like=True) == [
        ("status", "available"),
        ("status", "error"),
    ]
