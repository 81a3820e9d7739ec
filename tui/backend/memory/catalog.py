"""The demo cloud's one service catalog: Keystone's services and endpoints lists, the token's
catalog (which the raw API browser reads), and every link a demo record carries are made
from it, so they name the same services, URLs, regions and interfaces."""

from __future__ import annotations

REGION = "RegionOne"
PUBLIC_HOST = "cloud.example.org"
INTERNAL_HOST = "controller"  # the internal and admin endpoints
INTERFACES = ("public", "internal", "admin")
# type, name, description, port and path of each service (the path as Keystone keeps it)
SERVICES = (
    ("identity", "keystone", "Identity", 5000, "/v3"),
    ("compute", "nova", "Compute API", 8774, "/v2.1"),
    ("image", "glance", "Image API", 9292, ""),
    ("network", "neutron", "Networking", 9696, ""),
    ("block-storage", "cinder", "Block Storage API", 8776, "/v3/%(project_id)s"),
    ("placement", "placement", "Placement API", 8778, ""),
    ("orchestration", "heat", "Orchestration", 8004, "/v1/%(project_id)s"),
    ("object-store", "swift", "Object Storage", 8080, "/v1/AUTH_%(project_id)s"),
    ("metric", "gnocchi", "Metric", 8041, ""),
)
# The services a demo cloud has unless told otherwise: the whole catalog.
MEMORY_SERVICES = tuple(kind for kind, *_ in SERVICES)


def endpoint_url(kind: str, interface: str = "public", project_id: str = "") -> str:
    """A service's endpoint: Keystone's template, or the token's URL with ``project_id``."""
    _, _, _, port, path = next(s for s in SERVICES if s[0] == kind)
    host = PUBLIC_HOST if interface == "public" else INTERNAL_HOST
    url = f"http://{host}:{port}{path}"
    return url.replace("%(project_id)s", project_id) if project_id else url


def identity_link(path: str) -> dict[str, str]:
    """A Keystone record's ``links``: on the public identity endpoint, as Keystone answers."""
    return {"self": f"{endpoint_url('identity')}{path}"}
