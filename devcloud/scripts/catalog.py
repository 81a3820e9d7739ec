"""Service project, service users and the catalog, in one openstacksdk session.

Runs inside the devcloud venv (``devcloud/run up`` calls it once after keystone bootstrap);
idempotent. The ``openstack`` CLI would take ~3 s per call; this takes a few seconds in all.
"""

from __future__ import annotations

import openstack
from openstack.connection import Connection

SERVICE_PASSWORD = "devcloud"
REGION = "RegionOne"

# (user, service name, service type, endpoint URL, description)
CATALOG = (
    ("placement", "placement", "placement", "http://127.0.0.1:8778", "Placement API"),
    ("nova", "nova", "compute", "http://127.0.0.1:8774/v2.1", "Compute API"),
    ("glance", "glance", "image", "http://127.0.0.1:9292", "Image API"),
    ("neutron", "neutron", "network", "http://127.0.0.1:9696", "Networking API"),
    (
        "cinder",
        "cinder",
        "block-storage",
        "http://127.0.0.1:8776/v3/%(project_id)s",
        "Block Storage API",
    ),
)
INTERFACES = ("public", "internal", "admin")


def ensure_role(conn: Connection, name: str) -> object:
    return conn.identity.find_role(name) or conn.identity.create_role(name=name)


def ensure_user(conn: Connection, name: str, project: object) -> object:
    user = conn.identity.find_user(name, domain_id="default")
    if user is None:
        user = conn.identity.create_user(
            name=name, password=SERVICE_PASSWORD, domain_id="default", default_project_id=project.id
        )
    return user


def ensure_service(conn: Connection, name: str, type_: str, url: str, description: str) -> None:
    service = next(iter(conn.identity.services(type=type_)), None)
    if service is None:
        service = conn.identity.create_service(
            name=name, type=type_, description=description, is_enabled=True
        )
    existing = {e.interface for e in conn.identity.endpoints(service_id=service.id)}
    for interface in INTERFACES:
        if interface not in existing:
            conn.identity.create_endpoint(
                service_id=service.id,
                interface=interface,
                url=url,
                region_id=REGION,
                is_enabled=True,
            )


def main() -> None:
    conn = openstack.connect(cloud="devcloud-admin")
    project = conn.identity.find_project("service", domain_id="default")
    if project is None:
        project = conn.identity.create_project(
            name="service", domain_id="default", description="Service users"
        )
    roles = [ensure_role(conn, name) for name in ("admin", "service", "member", "reader")]
    for user_name, name, type_, url, description in CATALOG:
        user = ensure_user(conn, user_name, project)
        for role in roles[:2]:
            conn.identity.assign_project_role_to_user(project, user, role)
        ensure_service(conn, name, type_, url, description)
        print(f"catalog: {type_} -> {url} (user {user_name})", flush=True)


if __name__ == "__main__":
    main()
