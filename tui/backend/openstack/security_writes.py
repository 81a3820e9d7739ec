"""Neutron's security groups and rules: the writes; Nova's addSecurityGroup and
removeSecurityGroup, which put every port of a server in a group or take them out."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tui.backend import models
from tui.backend.models import Json
from tui.backend.openstack.network import NetworkAPI, given

if TYPE_CHECKING:
    from tui.backend.models.network_specs import SecurityGroupRuleSpec


def rule_body(spec: SecurityGroupRuleSpec) -> Json:
    """Neutron's request body for a rule: what the operator left empty is left out."""
    body: dict[str, object] = {
        "security_group_id": spec.security_group_id,
        "direction": spec.direction,
        "ethertype": spec.ethertype,
    }
    optional: dict[str, object] = {
        "protocol": spec.protocol or None,
        "port_range_min": spec.port_range_min,
        "port_range_max": spec.port_range_max,
        "remote_ip_prefix": spec.remote_ip_prefix or None,
        "remote_group_id": spec.remote_group_id or None,
        "description": spec.description or None,
    }
    body.update({key: value for key, value in optional.items() if value is not None})
    return body


class SecurityWritesAPI(NetworkAPI):
    async def _group_write(
        self, action: str, target: str, fields: Json, ident: str = ""
    ) -> models.SecurityGroup:
        parse = models.SecurityGroup.from_api
        made = "" if ident else "security group"
        return await self._neutron_send(
            action, target, "security-groups", fields, parse, ident=ident, made=made
        )

    async def create_security_group(
        self, name: str, *, description: str = "", project_id: str = ""
    ) -> models.SecurityGroup:
        wanted: dict[str, str] = {"name": name, "description": description}
        if project_id:
            wanted["project_id"] = project_id
        return await self._group_write(
            "create-security-group",
            f"security group {name}",
            wanted,
        )

    async def update_security_group(
        self, group_id: str, *, name: str | None = None, description: str | None = None
    ) -> models.SecurityGroup:
        return await self._group_write(
            "update-security-group",
            f"security group {group_id}",
            given(name=name, description=description),
            group_id,
        )

    async def delete_security_group(self, group_id: str) -> None:
        await self._neutron_delete(
            "delete-security-group", f"security group {group_id}", "security-groups", group_id
        )

    async def create_security_group_rule(
        self, spec: SecurityGroupRuleSpec
    ) -> models.SecurityGroupRule:
        return await self._neutron_send(
            "create-security-group-rule",
            f"security group {spec.security_group_id}",
            "security-group-rules",
            rule_body(spec),
            models.SecurityGroupRule.from_api,
            made="rule",
        )

    async def delete_security_group_rule(self, rule_id: str) -> None:
        await self._neutron_delete(
            "delete-security-group-rule",
            f"security group rule {rule_id}",
            "security-group-rules",
            rule_id,
        )

    async def _server_group_action(self, action: str, server_id: str, group_name: str) -> None:
        await self._write(
            "add-security-group" if action == "addSecurityGroup" else "remove-security-group",
            f"server {server_id} group {group_name}",
            "POST",
            "compute",
            f"/servers/{server_id}/action",
            body={action: {"name": group_name}},
        )

    async def add_server_security_group(self, server_id: str, group_name: str) -> None:
        await self._server_group_action("addSecurityGroup", server_id, group_name)

    async def remove_server_security_group(self, server_id: str, group_name: str) -> None:
        await self._server_group_action("removeSecurityGroup", server_id, group_name)
