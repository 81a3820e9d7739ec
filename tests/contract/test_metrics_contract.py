"""Gnocchi (Telemetry's metric service): resources by type and page, a resource's metrics, a
metric's archive policy, its measures (the same question, the same answer), Gnocchi's 404s,
and a member seeing only its project's resources.

devcloud runs no Gnocchi yet: its parameter skips, saying so; the bodies are written against
Gnocchi's API as the real backend reads it, so they run on devcloud once it does.
"""

from __future__ import annotations

import pytest

from tests.contract.conftest import Lab, lab_without
from tests.contract.support import collect, refused
from tui.backend import gnocchi
from tui.backend.errors import NotFound
from tui.backend.gnocchi import MeasureQuery
from tui.backend.models import MetricResource

pytestmark = pytest.mark.asyncio(loop_scope="module")

PINNED = "metric_resources metric_resource resource_metrics metric measures"
COVERS = frozenset(PINNED.split())

NOBODY = "00000000-0000-4000-8000-00000000dead"


lab = lab_without("metric")


async def an_instance(lab: Lab) -> MetricResource:
    instances = await collect(lab.admin.metric_resources(resource_type="instance"))
    assert instances, f"{lab.name}: no instance in Gnocchi"
    return instances[0]


async def test_resources_by_type_and_page(lab: Lab) -> None:
    every = await collect(lab.admin.metric_resources())
    assert every and len({r.id for r in every}) == len(every)
    assert all(r.id and r.type and r.project_id and r.started_at for r in every)
    instances = await collect(lab.admin.metric_resources(resource_type="instance"))
    assert instances and {r.type for r in instances} == {"instance"}
    assert {r.id for r in instances} <= {r.id for r in every}
    assert all(r.display_name and r.metrics for r in instances)
    pages = [page async for page in lab.admin.metric_resources(page_size=2)]
    assert all(0 < len(page) <= 2 for page in pages)
    assert [r.id for page in pages for r in page] == [r.id for r in every]


async def test_a_resource_and_its_metrics(lab: Lab) -> None:
    resource = await an_instance(lab)
    assert await lab.admin.metric_resource(resource.id) == resource
    metrics = await lab.admin.resource_metrics(resource.id)
    assert sorted((m.name, m.id) for m in metrics) == sorted(resource.metrics)
    assert all(m.resource_id == resource.id and m.archive_policy_name for m in metrics)
    metric = await lab.admin.metric(metrics[0].id)
    assert (metric.id, metric.name, metric.resource_id) == (
        metrics[0].id,
        metrics[0].name,
        resource.id,
    )
    assert metric.granularities and metric.aggregation_methods
    spans = [span for _, span in metric.granularities]
    assert [g for g, _ in metric.granularities] == sorted(g for g, _ in metric.granularities)
    assert spans == sorted(spans)


async def test_measures_answer_the_same_question_the_same_way(lab: Lab) -> None:
    resource = await an_instance(lab)
    metric = await lab.admin.metric(dict(resource.metrics)["memory.usage"])
    fine = gnocchi.fitting_granularity(metric, 3600)
    query = MeasureQuery(granularity=fine)
    first = await lab.admin.measures(metric.id, query)
    assert first and first == await lab.admin.measures(metric.id, query)
    assert {m.granularity for m in first} == {fine}
    assert [m.timestamp for m in first] == sorted(m.timestamp for m in first)
    every = await lab.admin.measures(metric.id, MeasureQuery())
    assert {m.granularity for m in every} >= {fine}
    most = await lab.admin.measures(metric.id, MeasureQuery(aggregation="max", granularity=fine))
    assert [m.timestamp for m in most] == [m.timestamp for m in first]
    assert all(
        a.value is not None and b.value is not None and a.value >= b.value
        for a, b in zip(most, first, strict=True)
    )


async def test_gnocchi_says_what_does_not_exist(lab: Lab) -> None:
    resource = await an_instance(lab)
    metric_id = dict(resource.metrics)["memory.usage"]
    gone = f"Resource {NOBODY} does not exist"
    await refused(lab.admin.metric_resource(NOBODY), NotFound, 404, gone)
    await refused(lab.admin.resource_metrics(NOBODY), NotFound, 404, gone)
    await refused(lab.admin.metric(NOBODY), NotFound, 404, f"Metric {NOBODY} does not exist")
    await refused(
        lab.admin.measures(metric_id, MeasureQuery(aggregation="nonsense")),
        NotFound,
        404,
        f"Aggregation method 'nonsense' for metric {metric_id} does not exist",
    )
    await refused(
        lab.admin.measures(metric_id, MeasureQuery(granularity=7)),
        NotFound,
        404,
        f"Granularity '7' for metric {metric_id} does not exist",
    )


async def test_a_member_sees_its_projects_resources(lab: Lab) -> None:
    member = lab.owner
    mine = await collect(member.metric_resources())
    assert mine and all(r.project_id == member.info.project_id for r in mine)
    other = next(
        r
        for r in await collect(lab.admin.metric_resources())
        if r.project_id != member.info.project_id
    )
    await refused(member.metric_resource(other.id), NotFound, 404, "does not exist")
    await refused(member.metric(other.metrics[0][1]), NotFound, 404, "does not exist")
