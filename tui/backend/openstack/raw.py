"""The raw API browser on the real cloud: the token's catalog, and GET on any endpoint.

Read-only by construction: the one request method here is GET or HEAD, whatever the
read-only setting; paths are checked by ``raw_http.clean_path`` and joined to the catalog
endpoint's URL, so no request leaves for another host.
"""

from __future__ import annotations

import json
import time
from functools import partial
from typing import Any

from tui.backend import models
from tui.backend.openstack.core import OpenStackCore, error_message
from tui.backend.raw_http import (
    MAX_SHOWN_BYTES,
    RawResponse,
    body_text,
    read_request,
    shown_headers,
)


class RawAPI(OpenStackCore):
    async def catalog(self) -> list[models.CatalogEndpoint]:
        def fetch() -> list[models.CatalogEndpoint]:
            access = self._access()
            catalog = access.service_catalog.catalog if access.has_service_catalog() else []
            return models.catalog_endpoints(catalog)

        return await self._call("read the service catalog", fetch)

    async def raw_get(
        self, endpoint: models.CatalogEndpoint, path: str, *, method: str = "GET"
    ) -> RawResponse:
        """One read request; any HTTP status comes back as a RawResponse, not an error."""
        path, url = read_request(endpoint.url, path, method)
        operation = f"{method} {endpoint.type} {path}"

        def send() -> RawResponse:
            session = self._connection().session
            started = time.monotonic()
            response = self._sent(
                method,
                url,
                partial(
                    session.request,
                    url,
                    method,
                    headers={"Accept": "application/json"},
                    raise_exc=False,
                    stream=True,
                ),
                stream=True,
            )
            try:
                text = body_text(response.headers.get("Content-Type", ""), read_capped(response))
            finally:
                response.close()
            elapsed = int((time.monotonic() - started) * 1000)
            message = ""
            if response.status_code >= 400:
                try:
                    payload: object = json.loads(text)
                except ValueError:
                    payload = text
                message = error_message(payload, response.reason or "error")
            return RawResponse(
                method=method,
                url=url,
                path=path,
                status=response.status_code,
                reason=response.reason or "",
                headers=shown_headers(response.headers),
                text=text,
                elapsed_ms=elapsed,
                message=message,
            )

        return await self._call(operation, send)


def read_capped(response: Any) -> bytes:
    """At most MAX_SHOWN_BYTES of a streamed body (an image file is never read whole)."""
    data = bytearray()
    for chunk in response.iter_content(chunk_size=65536):
        data += chunk
        if len(data) >= MAX_SHOWN_BYTES:
            break
    return bytes(data[:MAX_SHOWN_BYTES])
