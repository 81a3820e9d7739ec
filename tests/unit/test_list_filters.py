"""Filters typed on the command line (`tui.list_filters`) and Nova's server filter rules
(`tui.backend.server_filters`): parsing, checking, resolving names, the query sent, and
the one matcher the memory backend and a refresh by changes share."""

from __future__ import annotations

import dataclasses

import pytest

from tui.backend.errors import Forbidden
from tui.backend.memory import MemoryBackend
from tui.backend.models import Server
from tui.backend.server_filters import (
    STATUSES,
    ServerFilters,
    like_pattern,
    nova_query,
    server_matches,
)
from tui.list_filters import FilterError, check_filters, label, resolve_filters, split_command
from tui.resource import Scope
from tui.screens.resources.server_filter_words import SERVER_FILTER_WORDS
from tui.screens.resources.servers import changed_servers, server_filters

WORDS = SERVER_FILTER_WORDS


def test_split_reads_words_and_quoted_values() -> None:
    assert split_command('servers status=ERROR name="web 1" Host=c1') == (
        "servers",
        [("status", "ERROR"), ("name", "web 1"), ("host", "c1")],
    )
    assert split_command("servers") == ("servers", [])


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ('servers name="web', "Cannot read the command"),
        ("servers ERROR", "“ERROR” is not word=value"),
        ("servers =x", "is not word=value"),
    ],
)
def test_split_refuses_what_it_cannot_read(text: str, says: str) -> None:
    with pytest.raises(FilterError, match=says):
        split_command(text)


def test_check_upper_cases_a_status_and_compiles_regexes() -> None:
    checked = check_filters("servers", WORDS, [("status", "error"), ("name", "^web-[0-9]+$")])
    assert [(w.word, v) for w, v in checked] == [("status", "ERROR"), ("name", "^web-[0-9]+$")]
    assert [w.word for w, _ in check_filters("servers", WORDS, [("az", "nova")])] == ["zone"]


@pytest.mark.parametrize(
    ("pairs", "says"),
    [
        ([("colour", "red")], "servers cannot be filtered by “colour”: use status, host, project"),
        ([("status", "sleepy")], "status=sleepy: not one of ACTIVE"),
        ([("name", "web-(")], "name=web-(: not a regular expression"),
        ([("locked", "maybe")], "locked=maybe: true or false"),
        ([("host", "")], "host= needs a value: a compute host"),
        ([("host", "a"), ("host", "b")], "host= is given twice"),
    ],
)
def test_check_names_what_is_wrong(pairs: list[tuple[str, str]], says: str) -> None:
    with pytest.raises(FilterError, match=says.replace("(", r"\(")):
        check_filters("servers", WORDS, pairs)


def test_a_list_without_words_takes_no_filters() -> None:
    with pytest.raises(FilterError, match=":flavors takes no filters"):
        check_filters("flavors", (), [("name", "x")])


async def test_names_resolve_to_ids_with_one_list_each() -> None:
    backend = MemoryBackend()
    await backend.connect()
    projects = [p async for page in backend.projects() for p in page]
    flavors = [f async for page in backend.flavors() for f in page]
    project, flavor = projects[0], flavors[0]
    checked = check_filters(
        "servers",
        WORDS,
        [("project", project.name.upper()), ("flavor", flavor.name), ("status", "active")],
    )
    assert await resolve_filters(backend, checked) == (
        ("project_id", project.id),
        ("flavor", flavor.id),
        ("status", "ACTIVE"),
    )
    by_id = check_filters("servers", WORDS, [("project", project.id)])
    assert await resolve_filters(backend, by_id) == (("project_id", project.id),)
    with pytest.raises(FilterError, match="project=nobody: no project has this name or id"):
        await resolve_filters(backend, check_filters("servers", WORDS, [("project", "nobody")]))


async def test_a_cloud_that_will_not_list_names_takes_an_id_as_it_is() -> None:
    member = MemoryBackend().member()
    await member.connect()
    ident = "0123456789abcdef0123456789abcdef"
    checked = check_filters("servers", WORDS, [("project", ident)])
    assert await resolve_filters(member, checked) == (("project_id", ident),)
    with pytest.raises(FilterError, match="cannot look project names up here"):
        await resolve_filters(member, check_filters("servers", WORDS, [("project", "demo")]))


def test_label_quotes_what_has_spaces() -> None:
    assert label([("status", "ERROR"), ("name", "web 1")]) == "status=ERROR name='web 1'"


def test_the_nova_query_of_filters() -> None:
    filters = ServerFilters(status="ERROR", host="compute1", name="^web", locked=False)
    assert nova_query(filters) == {
        "status": "ERROR",
        "host": "compute1",
        "name": "^web",
        "locked": "false",
    }
    assert nova_query(ServerFilters()) == {} and not ServerFilters()


def _server(**changes: object) -> Server:
    base = Server.from_api(
        {
            "id": "s1",
            "name": "Web-01",
            "status": "ACTIVE",
            "OS-EXT-STS:vm_state": "active",
            "OS-EXT-SRV-ATTR:host": "compute1",
            "OS-EXT-AZ:availability_zone": "nova",
            "tenant_id": "p1",
            "user_id": "u1",
            "flavor": {"original_name": "m1.tiny"},
            "image": {"id": "i1"},
            "locked": False,
            "tags": ["blue", "db"],
            "addresses": {
                "net": [
                    {"addr": "10.0.0.15", "version": 4, "OS-EXT-IPS:type": "fixed"},
                    {"addr": "203.0.113.9", "version": 4, "OS-EXT-IPS:type": "floating"},
                ]
            },
        }
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("filters", "listed"),
    [
        (ServerFilters(status="active"), True),
        (ServerFilters(status="ERROR"), False),
        (ServerFilters(host="COMPUTE1"), True),
        (ServerFilters(name="web-0"), True),  # searched anywhere, any case
        (ServerFilters(name="^eb"), False),
        (ServerFilters(ip="10.0.0.1"), True),  # a part of a fixed IP
        (ServerFilters(ip="10.0.0.1$"), False),  # not a regex
        (ServerFilters(ip="10.0.0.1_"), True),  # SQL LIKE: _ is one character
        (ServerFilters(ip="203.0.113"), False),  # floating IPs do not count
        (ServerFilters(ip="nothing", ip6="10.0"), True),  # ip and ip6: either
        (ServerFilters(availability_zone="NO"), True),
        (ServerFilters(project_id="p1", user_id="u1", image="i1"), True),
        (ServerFilters(project_id="p2"), False),
        (ServerFilters(locked=True), False),
        (ServerFilters(tags="db,blue"), True),
        (ServerFilters(tags="db,red"), False),
    ],
)
def test_the_matcher_applies_novas_rules(filters: ServerFilters, listed: bool) -> None:
    assert server_matches(_server(), filters) is listed


def test_status_follows_novas_state_table() -> None:
    rebooting = _server(status="REBOOT", task_state="rebooting")
    assert server_matches(rebooting, ServerFilters(status="ACTIVE"))  # vm_state active
    assert server_matches(rebooting, ServerFilters(status="REBOOT"))
    assert not server_matches(_server(), ServerFilters(status="REBOOT"))
    rebuilding = _server(status="REBUILD", vm_state="error", task_state="rebuilding")
    assert server_matches(rebuilding, ServerFilters(status="ERROR"))
    assert {"ACTIVE", "ERROR", "SHUTOFF", "VERIFY_RESIZE", "SHELVED_OFFLOADED"} <= set(STATUSES)


def test_the_flavor_is_matched_by_the_name_of_the_flavor_id() -> None:
    filters = ServerFilters(flavor="f1")
    assert server_matches(_server(), filters, flavor_name="m1.tiny")
    assert not server_matches(_server(), filters, flavor_name="m1.small")


def test_like_pattern_escapes() -> None:
    assert like_pattern(r"10\_0").search("10_0.1") and not like_pattern(r"10\_0").search("1000")
    assert like_pattern("a%b").search("xaZZbx")


def test_a_scope_becomes_filters_and_a_changes_list_without_them() -> None:
    scope = Scope(
        all_projects=True,
        filters=(("status", "ERROR"), ("host", "compute1"), ("locked", "true")),
    )
    assert server_filters(scope) == ServerFilters(status="ERROR", host="compute1", locked=True)
    calls: list[dict[str, object]] = []

    class Recording:
        def servers(self, **kwargs: object) -> object:
            calls.append(kwargs)
            return object()

    assert changed_servers(Recording(), scope, since=None) is not None  # type: ignore[arg-type]
    assert "filters" not in calls[0] and calls[0]["all_projects"] is True
    tagged = Scope(filters=(("tags", "db"),))
    assert changed_servers(Recording(), tagged, since=None) is None  # type: ignore[arg-type]


async def test_a_member_may_not_filter_by_host() -> None:
    member = MemoryBackend().member()
    await member.connect()
    with pytest.raises(Forbidden):
        [s async for page in member.servers(filters=ServerFilters(host="compute1")) for s in page]
