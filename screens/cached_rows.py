"""A list's last-seen rows from the cache (`tui.list_cache`), shown at once and marked stale
until the cloud brings them current: by its changes since the cached list (servers: Nova's
changes-since, one small request), else by the live list merged into them. A complete live
list is kept for the next start, with the cloud's time it is current as of.

Mixed into the generic resource screen. The cache module is imported here, on the list's
path, never at app import.
"""

from __future__ import annotations

import asyncio
import time
from datetime import datetime
from typing import TYPE_CHECKING, Any

from tui import collector

if TYPE_CHECKING:
    from textual.screen import Screen

    from tui.backend.errors import BackendError
    from tui.context import Context
    from tui.list_cache import Identity, ListCache
    from tui.resource import Resource, Scope
    from tui.widgets.resource_table import ResourceTable

    _ScreenBase = Screen[None]
else:
    _ScreenBase = object

STALE_CLASS = "-stale"
STORE_EVERY = 60.0  # seconds: a list refreshed more often is written at most this often
# A cached list older than this is listed in full rather than caught up by the cloud's
# changes: Nova's changes-since reports a deleted server only while its row is still in the
# cell database, and deployments archive deleted rows to shadow tables on a schedule
# (`nova-manage db archive_deleted_rows`, daily by default in TripleO, possibly "everything
# older than today"). Within an hour the chance that an archive ran in between is small,
# and a deletion missed then goes at the next full resync (FULL_REFRESH_EVERY).
CATCH_UP_WITHIN = 3600.0  # seconds


class CachedRowsMixin(_ScreenBase):
    """Needs `context`, `resource`, `scope` and `table` from the screen."""

    context: Context
    resource: Resource
    scope: Scope
    stale_since: float | None = None  # when the rows shown were cached; None: they are live
    error: BackendError | None
    _since: datetime | None  # the cloud's time the rows shown are current as of
    _cache_name: str | None = None  # the cache file of the rows shown
    _cached_since: datetime | None = None  # the cloud's time of the cached rows shown
    _stored: tuple[str, float] | None = None  # the file last written, and when (monotonic)

    if TYPE_CHECKING:

        @property
        def table(self) -> ResourceTable: ...

    def _cacheable(self) -> bool:
        if not self.context.cache_lists:  # the demo: not even the module
            return False
        from tui.list_cache import CACHEABLE

        return (
            self.resource.name in CACHEABLE
            and self.scope.lister is None
            and not self.scope.get("id")
        )

    def _list_cache(self) -> ListCache:
        from tui.list_cache import ListCache

        cache: ListCache | None = getattr(self.app, "list_cache", None)
        if cache is None:
            cache = ListCache()
            self.app.list_cache = cache  # type: ignore[attr-defined]
        return cache

    def _cache_file(self, identity: Identity, all_projects: bool | None = None) -> str:
        from tui.list_cache import list_key

        every = self.scope.all_projects if all_projects is None else all_projects
        return list_key(identity, self.resource.name, every, self.scope.filters)

    async def _show_cached(self) -> None:
        """Before the cloud answers: the rows this list had last time, marked stale."""
        if getattr(self, "loaded", False) or self.table.total_count or not self._cacheable():
            return  # only a list's first load: a refresh has live rows (or none) already
        cache = self._list_cache()
        cloud = self.context.backend.info.cloud
        # the scope is settled once connected: guess it as an admin's would be
        guess = self.scope.all_projects or (
            getattr(self, "_auto_scope", False) and self.resource.default_all_projects
        )

        def read() -> tuple[str, Any] | None:
            identity = cache.last_identity(cloud)
            if identity is None:
                return None
            name = self._cache_file(identity, guess)
            return name, cache.load(name)

        found = await asyncio.to_thread(read)
        if found is None or found[1] is None or self.table.total_count:
            return
        name, cached = found
        self.scope = self.scope.with_all_projects(guess)
        self._cache_name = name
        self.stale_since = cached.saved_at
        self._cached_since = cached.since
        self.table.add_class(STALE_CLASS)
        self.table.load(cached.rows, replace=True)

    def _catch_up_since(self) -> datetime | None:
        """The cloud's time to ask for changes since, to bring the cached rows shown
        current; None: list them in full (too old, or the cloud's time was not known)."""
        if self.stale_since is None or time.time() - self.stale_since > CATCH_UP_WITHIN:
            return None
        return self._cached_since

    def _check_cached_identity(self) -> None:
        """Connected, scope settled: rows cached for another project, region or scope than
        the list's go."""
        if self.stale_since is None:
            return
        if self._cache_name != self._cache_file(self._identity()):
            self._drop_stale()
            self.table.load([], replace=True)

    def _live_rows_shown(self) -> None:
        if self.stale_since is not None:
            self._drop_stale()

    def _drop_stale(self) -> None:
        self.stale_since = None
        self._cache_name = None
        self._cached_since = None
        self.table.remove_class(STALE_CLASS)

    def _identity(self) -> Identity:
        from tui.list_cache import Identity

        info = self.context.info
        return Identity(info.cloud, info.auth_url, info.project_id, info.region)

    def _store_cache(self, rows: list[Any]) -> None:
        """After a complete live list: keep it for the next start (in a thread)."""
        if not self._cacheable():
            return
        identity = self._identity()
        name = self._cache_file(identity)
        now = time.monotonic()
        last = self._stored
        if last is not None and last[0] == name and now - last[1] < STORE_EVERY:
            return
        self._stored = (name, now)
        cache = self._list_cache()
        resource = self.resource.name
        since = self._since

        def write() -> None:
            # what encoding makes is freed once written: no collector passes meanwhile
            with collector.held(kept=False):
                cache.remember_identity(identity)
                cache.store(name, resource, rows, since)

        self.run_worker(write, thread=True, group="list-cache", exit_on_error=False)

    def stale_refusal(self, row: Any) -> str | None:
        """Why no action may run on `row` now (it is from the cache), or None: the hold on
        the screen's row actions (`tui.resource.held`)."""
        if self.stale_since is None:
            return None
        from tui.list_cache import stale_refusal

        return stale_refusal(self.resource.label(row), self.stale_since)

    def stale_text(self) -> str:
        from tui.list_cache import age_text

        assert self.stale_since is not None
        return f"cached {age_text(self.stale_since)} ago"

    def cached_state(self) -> tuple[str, bool]:
        """How old the rows from the cache are, for the header to say instead of
        "connected" ("4 min"; "" when they are live), and whether bringing them current
        failed."""
        if self.stale_since is None:
            return "", False
        from tui.list_cache import age_text

        return age_text(self.stale_since), self.error is not None
