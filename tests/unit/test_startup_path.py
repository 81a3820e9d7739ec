"""What start-up loads: the models by area, and nothing the first list does not need.

`bench/startup.py` measures the time; these tests keep the structure that makes it short from
eroding: a module-level import of a Heat model in a mixin would load every area again.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import tui.backend.models as models

MODELS = Path(models.__file__).parent


def defined_names(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.ClassDef | ast.FunctionDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
    return {n for n in names if not n.startswith("_")}


def test_every_model_is_listed_under_its_own_area_once() -> None:
    for area, names in models.AREAS.items():
        assert set(names) == defined_names(MODELS / f"{area}.py"), area
    listed = [n for names in models.AREAS.values() for n in names]
    assert len(listed) == len(set(listed))
    files = {p.stem for p in MODELS.glob("*.py")} - {"__init__", "common"}
    assert files == set(models.AREAS)


def test_a_model_loads_its_area_only_and_is_the_same_class() -> None:
    code = (
        "import sys\n"
        "from tui.backend.models import Stack\n"
        "from tui.backend.models.orchestration import Stack as Same\n"
        "assert Stack is Same\n"
        "print(sorted(m.rsplit('.', 1)[1] for m in sys.modules"
        " if m.startswith('tui.backend.models.')))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "['common', 'orchestration']"


def test_unknown_model_names_are_attribute_errors() -> None:
    try:
        models.NoSuchModel  # noqa: B018
    except AttributeError as exc:
        assert "NoSuchModel" in str(exc)
    else:
        raise AssertionError("no AttributeError")


START_PATH = """
import asyncio, sys
import tui.cli, tui.app
from tui.backend.memory import MemoryBackend
import tui.screens.resources.servers, tui.screens.resource

LAZY_STDLIB = {"json", "tomllib"}

async def first_page():
    backend = MemoryBackend()
    await backend.connect()
    async for page in backend.servers(all_projects=True):
        return page

assert asyncio.run(first_page())
print(" ".join(sorted(m for m in sys.modules if m.startswith("tui.") or m in LAZY_STDLIB)))
"""


def test_the_first_server_list_loads_only_what_it_shows() -> None:
    out = subprocess.run(
        [sys.executable, "-c", START_PATH], capture_output=True, text=True, check=True
    )
    loaded = set(out.stdout.split())
    areas = {m.rsplit(".", 1)[1] for m in loaded if m.startswith("tui.backend.models.")}
    assert areas == {"common", "core"}
    later = {
        "tui.screens.resources.registry",  # every other resource: right after the first frame
        "tui.screens.resources.overview",
        "tui.screens.transfer",  # a progress bar, for the first transfer
        "tui.runbook.engine",  # the first runbook
        "tui.backend.raw_http",
        "tui.backend.gnocchi",
        "tui.backend.swift",
        "tui.backend.image_data",
        "tui.crash",  # the crash log, on the first failure
        "tui.keypair_files",  # key files, on the first keypair written
        "json",  # the first record written or raw body shown
        "tomllib",  # read only when a settings file exists
    }
    assert loaded & later == set()
