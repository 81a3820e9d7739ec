"""Host aggregates, availability zones and quotas on the in-memory cloud."""

from __future__ import annotations

from pathlib import Path

from tests.app.test_compute_network_volume_screens import current, goto, pick, type_into
from tests.app_helpers import demo_app, screen_text, select, settle, wait_for
from tui.backend.audit import AuditLog
from tui.resource import Scope
from tui.screens.confirm import ConfirmScreen
from tui.screens.form import FormScreen
from tui.widgets.picker import Picker


def form_text(app: object) -> str:
    screen = app.screen  # type: ignore[attr-defined]
    assert isinstance(screen, FormScreen), screen
    return str(screen.query_one("#form-error").render())


async def submit(pilot) -> None:  # type: ignore[no-untyped-def]
    await pilot.press("ctrl+s")
    await pilot.pause()


async def create_and_add_host(pilot, name: str, zone: str = "") -> None:  # type: ignore[no-untyped-def]
    """Create an aggregate with the form (n), select it, open its add-host form (A)."""
    app = pilot.app
    await pilot.press("n")
    await wait_for(pilot, lambda: isinstance(app.screen, FormScreen))
    await type_into(pilot, "name", name)
    if zone:
        await type_into(pilot, "availability_zone", zone)
    await submit(pilot)
    await wait_for(pilot, lambda: name in screen_text(pilot))
    await settle(pilot)
    await select(pilot, name)
    await pilot.press("A")
    await wait_for(pilot, lambda: isinstance(app.screen, FormScreen))


async def test_aggregate_create_hosts_metadata_delete(tmp_path: Path) -> None:
    audit = AuditLog(tmp_path / "audit.jsonl")
    app = demo_app(audit=audit)
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        aggregates = await goto(pilot, "agg")
        assert "highspec=true" in screen_text(pilot)
        await create_and_add_host(pilot, "sdtest-agg")
        picker = app.screen.query_one("#input-host", Picker)
        await wait_for(pilot, lambda: not picker._loading)
        assert [c.value for c in picker._choices] == [
            "compute1",
            "compute2",
            "compute3",
            "compute4",
        ]
        await pick(pilot, "host", "compute4")
        await submit(pilot)
        await wait_for(pilot, lambda: aggregates.table.selected.hosts == ("compute4",))
        await wait_for(pilot, lambda: not aggregates.in_flight)

        await pilot.press("M")
        await wait_for(pilot, lambda: isinstance(app.screen, FormScreen))
        await type_into(pilot, "metadata", "bad key!=x")
        await submit(pilot)
        assert "key 'bad key!'" in screen_text(pilot)
        await type_into(pilot, "metadata", "highspec=true, filter_tenant_id=demo")
        await submit(pilot)
        await wait_for(pilot, lambda: len(aggregates.table.selected.metadata) == 2)
        await wait_for(pilot, lambda: not aggregates.in_flight)
        await pilot.press("U")
        await wait_for(pilot, lambda: isinstance(app.screen, FormScreen))
        keys = app.screen.query_one("#input-keys", Picker)
        await wait_for(pilot, lambda: not keys._loading)
        keys.select(["highspec"])
        await submit(pilot)
        await wait_for(
            pilot, lambda: aggregates.table.selected.metadata == (("filter_tenant_id", "demo"),)
        )
        await wait_for(pilot, lambda: not aggregates.in_flight)

        await pilot.press("ctrl+d")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        assert "Nova refuses to delete an" in screen_text(pilot)
        await pilot.press(*"sdtest-agg", "enter")
        await wait_for(
            pilot,
            lambda: any("Host aggregate is not empty" in n.message for n in app._notifications),
        )
        await wait_for(pilot, lambda: not aggregates.in_flight)
        await pilot.press("X")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        assert "compute4" in screen_text(pilot)
        await pilot.press("1", "enter")
        await wait_for(pilot, lambda: aggregates.table.selected.hosts == ())
        await wait_for(pilot, lambda: not aggregates.in_flight)
        await pilot.press("ctrl+d")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press(*"sdtest-agg", "enter")
        await wait_for(
            pilot,
            lambda: "sdtest-agg" not in {a.name for a in aggregates.table.rows_in_view()},
        )
    assert [(r.action, r.result[:10]) for r in audit.records()] == [
        ("create-aggregate", "ok"),
        ("add-aggregate-host", "ok"),
        ("set-aggregate-metadata", "ok"),
        ("set-aggregate-metadata", "ok"),
        ("delete-aggregate", "error: 400"),
        ("remove-aggregate-host", "ok"),
        ("delete-aggregate", "ok"),
    ]


async def test_zoned_aggregate_refuses_a_busy_host() -> None:
    app = demo_app()
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        aggregates = await goto(pilot, "aggregates")
        await create_and_add_host(pilot, "rack-b", "az-b")
        await pick(pilot, "host", "compute2")
        await submit(pilot)
        await wait_for(pilot, lambda: "HTTP 409" in form_text(app))
        assert "availability zone of the host would change" in form_text(app)
        assert app.screen.query_one("#input-host", Picker).value == "compute2"
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is aggregates)
        assert aggregates.table.selected.hosts == ()


async def test_aggregate_drills_to_hosts_and_servers() -> None:
    app = demo_app()
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        await goto(pilot, "aggregates")
        await select(pilot, "highspec")
        await pilot.press("enter")
        await settle(pilot)
        hosts = current(app)
        assert hosts.resource.name == "aggregate-hosts"
        assert {h.host for h in hosts.table.rows_in_view()} == {"compute1", "compute2"}
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        servers = list(current(app).table.rows_in_view())
        assert servers and {s.host for s in servers} == {"compute1", "compute2"}
        assert "aggregate highspec" in screen_text(pilot)


async def test_zones_of_every_service_and_their_hosts() -> None:
    app = demo_app()
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        zones = await goto(pilot, "az")
        services = {(z.service, z.name) for z in zones.table.rows_in_view()}
        assert {("compute", "nova"), ("block-storage", "nova"), ("network", "nova")} <= services
        text = screen_text(pilot)
        assert "Cinder" in text and "Neutron" in text and "compute1, compute2" in text
        await select(pilot, "nova")  # the first "nova" row is Nova's
        await pilot.press("enter")
        await settle(pilot)
        hosts = list(current(app).table.rows_in_view())
        assert {h.host for h in hosts} == {"compute1", "compute2", "compute3", "compute4"}
        assert "down" in screen_text(pilot)  # compute4's service is down in the demo


async def test_quota_edit_bad_value_then_refused_then_good(tmp_path: Path) -> None:
    audit = AuditLog(tmp_path / "audit.jsonl")
    app = demo_app(audit=audit)
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        quotas = await goto(pilot, "quotas")
        text = screen_text(pilot)
        assert "unlimited" in text and "over" in text and "project admin" in text
        await select(pilot, "Nova instances")
        assert quotas.table.selected.in_use == 15
        await pilot.press("e")
        await wait_for(pilot, lambda: isinstance(app.screen, FormScreen))
        await submit(pilot)
        assert "no limit changed" in screen_text(pilot)
        await type_into(pilot, "limit_1", "-5")
        await submit(pilot)
        assert "must be at least -1" in screen_text(pilot)
        await type_into(pilot, "limit_1", "12")
        await submit(pilot)
        await wait_for(pilot, lambda: "HTTP 400" in form_text(app))
        assert "already used and reserved 15" in form_text(app)
        assert app.screen.query_one("#input-limit_1").value == "12"  # kept as typed
        await type_into(pilot, "limit_1", "40")
        await submit(pilot)
        await wait_for(pilot, lambda: app.screen is quotas)
        await settle(pilot)
        await wait_for(pilot, lambda: "40 *" in screen_text(pilot))
        row = next(r for r in quotas.table.rows_in_view() if r.id == "compute/instances")
        assert (row.limit, row.default, row.differs) == (40, 10, True)
    assert [(r.action, r.result[:10]) for r in audit.records()] == [
        ("update-quotas", "error: 400"),
        ("update-quotas", "ok"),
    ]
    assert audit.records()[1].target.endswith(": instances=40"), "only the change is sent"


async def test_quotas_of_another_project_and_defaults() -> None:
    app = demo_app()
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        demo_id = next(i for i, n in app.backend.project_names().items() if n == "demo")
        app.open_resource("quotas", Scope(filters=(("project_id", demo_id),), label="project demo"))
        await settle(pilot)
        quotas = current(app)
        assert {r.project_id for r in quotas.table.rows_in_view()} == {demo_id}
        await pilot.press("D")
        await settle(pilot)
        defaults = current(app)
        assert defaults.resource.name == "quota-defaults"
        values = {r.id: r.limit for r in defaults.table.rows_in_view()}
        assert values["compute/instances"] == 10 and values["network/subnetpool"] == -1
        assert "unlimited" in screen_text(pilot)


async def test_member_sees_own_quotas_and_a_clear_403_elsewhere() -> None:
    app = demo_app(is_admin=False)
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        quotas = await goto(pilot, "quotas")
        assert quotas.error is None and quotas.table.total_count > 20
        await select(pilot, "Neutron port")
        await pilot.press("e")
        await wait_for(pilot, lambda: isinstance(app.screen, FormScreen))
        await type_into(pilot, "limit_3", "600")
        await submit(pilot)
        await wait_for(pilot, lambda: "HTTP 403" in form_text(app))
        assert "update_quota" in form_text(app)
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is quotas)
        other = next(i for i in app.backend.project_names() if i != app.backend.info.project_id)
        app.open_resource("quotas", Scope(filters=(("project_id", other),)))
        await settle(pilot)
        assert "Quotas need admin rights here (HTTP 403)" in screen_text(pilot)
        await goto(pilot, "aggregates")
        assert "Host aggregates need admin rights here (HTTP 403)" in screen_text(pilot)
        zones = await goto(pilot, "zones")
        assert zones.error is None
        assert all(not z.hosts for z in zones.table.rows_in_view())


async def test_read_only_walk_sends_nothing(tmp_path: Path) -> None:
    audit = AuditLog(tmp_path / "audit.jsonl")
    app = demo_app(read_only=True, audit=audit)
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        for name, keys in (("aggregates", "nARXMU"), ("quotas", "e")):
            screen = await goto(pilot, name)
            for key in keys:
                await pilot.press(key)
                await pilot.pause()
                assert not isinstance(app.screen, FormScreen | ConfirmScreen)
            assert screen.table.total_count
        await goto(pilot, "az")
        await pilot.press("enter")
        await settle(pilot)
        assert current(app).table.total_count
    assert app.backend.writes == []
    assert audit.records() == []


async def test_q_on_a_project_opens_its_quotas() -> None:
    app = demo_app(start="projects")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await select(pilot, "ops")
        await pilot.press("q")
        await settle(pilot)
        assert current(app).resource.name == "quotas"
        assert "project ops" in screen_text(pilot)
        assert "cores" in screen_text(pilot)
