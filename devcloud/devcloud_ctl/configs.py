"""Render ``devcloud/etc`` templates into ``.devcloud/etc`` and write ``clouds.yaml``.

Templates use ``@@{name}`` placeholders, so oslo.config's own ``$var`` syntax stays untouched.
"""

from __future__ import annotations

import shutil
import string
from pathlib import Path

from . import paths as p
from .paths import Paths

COMPUTE_HOSTS = ("compute1", "compute2")

# template in devcloud/etc -> rendered file under .devcloud/etc
TEMPLATES = {
    "my.cnf": "my.cnf",
    "rabbitmq.conf": "rabbitmq/rabbitmq.conf",
    "keystone.conf": "keystone/keystone.conf",
    "placement.conf": "placement/placement.conf",
    "nova.conf": "nova/nova.conf",
    "glance-api.conf": "glance/glance-api.conf",
    "neutron.conf": "neutron/neutron.conf",
    "ml2_conf.ini": "neutron/ml2_conf.ini",
    "dhcp_agent.ini": "neutron/dhcp_agent.ini",
    "cinder.conf": "cinder/cinder.conf",
}

AUTHTOKEN = f"""\
www_authenticate_uri = http://127.0.0.1:5000
auth_url = http://127.0.0.1:5000
auth_type = password
project_domain_name = Default
user_domain_name = Default
project_name = service
password = {p.SERVICE_PASSWORD}"""

SERVICE_AUTH = f"""\
auth_type = password
auth_url = {p.AUTH_URL}
project_domain_name = Default
user_domain_name = Default
project_name = service
password = {p.SERVICE_PASSWORD}
region_name = {p.REGION}"""


class _Template(string.Template):
    delimiter = "@@"


def template_values(paths: Paths) -> dict[str, str]:
    return {
        "etc": str(paths.etc),
        "data": str(paths.data),
        "run": str(paths.run),
        "log": str(paths.log),
        "venv": str(paths.venv),
        "db_port": str(p.DB_PORT),
        "amqp_port": str(p.AMQP_PORT),
        "db_url": f"mysql+pymysql://{p.DB_USER}:{p.DB_PASSWORD}@127.0.0.1:{p.DB_PORT}",
        "transport_url": f"rabbit://guest:guest@127.0.0.1:{p.AMQP_PORT}/",
        "authtoken": AUTHTOKEN,
        "service_auth": SERVICE_AUTH,
    }


def render(template: Path, target: Path, values: dict[str, str]) -> None:
    text = _Template(template.read_text()).substitute(values)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text)


def render_all(paths: Paths) -> None:
    """Render every config file; cheap, so done on every ``up``."""
    values = template_values(paths)
    for source, target in TEMPLATES.items():
        render(paths.templates / source, paths.etc / target, values)
    for host in COMPUTE_HOSTS:
        render(
            paths.templates / "nova-compute.conf",
            paths.etc / f"nova/nova-{host}.conf",
            {**values, "compute_host": host},
        )
    shutil.copyfile(paths.venv / "etc/nova/api-paste.ini", paths.etc / "nova/api-paste.ini")
    (paths.etc / "rabbitmq/enabled_plugins").write_text("[].\n")


def _cloud_entry(name: str, user: str, password: str, project: str) -> str:
    return f"""\
  {name}:
    auth:
      auth_url: {p.AUTH_URL}
      username: {user}
      password: {password}
      project_name: {project}
      user_domain_name: Default
      project_domain_name: Default
    region_name: {p.REGION}
    interface: public
    identity_api_version: 3
"""


def write_clouds_yaml(paths: Paths) -> None:
    text = (
        "# Written by devcloud/run for the local devcloud; dev-only passwords.\n"
        "clouds:\n"
        + _cloud_entry("devcloud-admin", "admin", p.ADMIN_PASSWORD, "admin")
        + _cloud_entry("devcloud-demo", "demo", p.DEMO_PASSWORD, "demo")
    )
    paths.clouds_yaml.write_text(text)
