"""In-memory Keystone: projects and users."""

from __future__ import annotations

from collections.abc import AsyncIterator

from tui.backend.base import DEFAULT_PAGE_SIZE
from tui.backend.memory.core import MemoryCore
from tui.backend.memory.data import fixed_id
from tui.backend.models import Project, User


class IdentityMemory(MemoryCore):
    async def projects(self, *, page_size: int = DEFAULT_PAGE_SIZE) -> AsyncIterator[list[Project]]:
        self._require_admin("list projects", "identity:list_projects")
        async for page in self._pages(self._projects, page_size):
            yield page

    async def project(self, project_id: str) -> Project:
        return self._find(self._projects, project_id, "project")

    async def users(self, *, page_size: int = DEFAULT_PAGE_SIZE) -> AsyncIterator[list[User]]:
        self._require_admin("list users", "identity:list_users")
        users = [
            User.from_api(
                {
                    "id": fixed_id("user", i),
                    "name": "admin" if i == 0 else f"{p.name}-user",
                    "domain_id": "default",
                    "enabled": True,
                    "email": f"{p.name}@example.org",
                    "default_project_id": p.id,
                }
            )
            for i, p in enumerate(self._projects)
        ]
        async for page in self._pages(users, page_size):
            yield page

    async def project_name_map(self) -> dict[str, str]:
        return self.project_names() if self._is_admin else {}
