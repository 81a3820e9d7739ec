"""In-memory security groups and rules: Neutron's writes and refusals, and Nova's
addSecurityGroup/removeSecurityGroup, which change the groups of a server's ports.

The refusals are devcloud's, word for word (tests/contract/test_security_groups_contract.py):
a rule is checked the way Neutron checks it, in the same order.
"""

from __future__ import annotations

import ipaddress
from typing import TYPE_CHECKING

from tui.backend import models
from tui.backend.ip_protocols import ICMP_PROTOCOLS, IP_PROTOCOLS, PORT_PROTOCOLS, protocol_number
from tui.backend.memory import data
from tui.backend.memory.network import NetworkMemory
from tui.backend.models import Json, Server

if TYPE_CHECKING:
    from tui.backend.models.network_specs import SecurityGroupRuleSpec

_MISSING_GROUP = "Security group {} does not exist"
_ANYWHERE = ("0.0.0.0/0", "::/0")
_PROTOCOL_VALUES = ", ".join(["None", "'any'", *(f"'{name}'" for name in IP_PROTOCOLS)])


def _rule_key(rule: models.SecurityGroupRule) -> tuple[object, ...]:
    """What makes two rules the same for Neutron (description aside)."""
    prefix = rule.remote_ip_prefix if rule.remote_ip_prefix not in _ANYWHERE else ""
    return (
        rule.direction,
        rule.ethertype,
        protocol_number(rule.protocol),
        rule.port_range_min,
        rule.port_range_max,
        prefix,
        rule.remote_group_id,
    )


class SecurityWritesMemory(NetworkMemory):
    def _put_group(self, group: models.SecurityGroup, changes: Json) -> models.SecurityGroup:
        raw = {
            **group.raw,
            **changes,
            "revision_number": int(group.raw.get("revision_number", 0)) + 1,
        }
        return self._cloud.security_groups.put(models.SecurityGroup.from_api(raw))

    async def create_security_group(
        self, name: str, *, description: str = "", project_id: str = ""
    ) -> models.SecurityGroup:
        def change() -> models.SecurityGroup:
            if name == "default":
                raise self.refused(409, "Default security group already exists.")
            owner = project_id or self._info.project_id
            if owner != self._info.project_id and not self._is_admin:
                raise self.refused(
                    400,
                    "Specifying 'project_id' other than the authenticated project in request "
                    "is not allowed for the current user.",
                )
            n = self._cloud.serial()
            group_id = data.fixed_id("security-group", 5000 + n)
            raw = dict(data.security_group_json(0, owner, name))
            egress = [r for r in raw["security_group_rules"] if r["direction"] == "egress"]
            rules = [
                {
                    **r,
                    "id": data.fixed_id("rule", 50_000 + 2 * n + k),
                    "security_group_id": group_id,
                }
                for k, r in enumerate(egress)
            ]
            raw.update(id=group_id, description=description, security_group_rules=rules)
            return self._cloud.security_groups.add(models.SecurityGroup.from_api(raw))

        return await self._write("create-security-group", f"security group {name}", change)

    async def update_security_group(
        self, group_id: str, *, name: str | None = None, description: str | None = None
    ) -> models.SecurityGroup:
        def change() -> models.SecurityGroup:
            if name == "default":
                raise self.refused(409, "Default security group already exists.")
            group = self._group(group_id)
            if group.name == "default" and name is not None:
                raise self.refused(409, "Updating default security group not allowed.")
            changes = {
                key: value
                for key, value in (("name", name), ("description", description))
                if value is not None
            }
            return self._put_group(group, changes)

        target = f"security group {group_id}"
        return await self._write("update-security-group", target, change)

    async def delete_security_group(self, group_id: str) -> None:
        def change() -> None:
            # Neutron looks for ports using it first (among those the caller sees), then at
            # the group itself
            ports = (p for p in self._cloud.ports if self._owned(p))
            if any(group_id in port.security_group_ids for port in ports):
                raise self.refused(409, f"Security Group {group_id} in use.")
            group = self._group(group_id)
            if group.name == "default" and not self._is_admin:
                raise self.refused(409, "Insufficient rights for removing default security group.")
            self._cloud.security_groups.remove(group.id)
            for other in self._cloud.security_groups:  # Neutron drops the rules naming it
                if any(r.remote_group_id == group.id for r in other.rules):
                    kept = [r.raw for r in other.rules if r.remote_group_id != group.id]
                    self._put_group(other, {"security_group_rules": kept})

        await self._write("delete-security-group", f"security group {group_id}", change)

    # -- rules -----------------------------------------------------------------------------

    async def create_security_group_rule(
        self, spec: SecurityGroupRuleSpec
    ) -> models.SecurityGroupRule:
        def change() -> models.SecurityGroupRule:
            self._check_rule_input(spec)
            group = self._cloud.security_groups.get(spec.security_group_id)
            if group is None:
                raise self.refused(404, _MISSING_GROUP.format(spec.security_group_id))
            if not self._owned(group):
                raise self.refused(403, "rule:create_security_group_rule is disallowed by policy")
            protocol = self._checked_protocol(spec)
            self._check_remote(spec)
            raw = {
                **data.rule_json(group.id, group.project_id, f"new-{self._cloud.serial()}"),
                "direction": spec.direction,
                "ethertype": spec.ethertype,
                "protocol": protocol or None,
                "port_range_min": spec.port_range_min,
                "port_range_max": spec.port_range_max,
                "remote_ip_prefix": spec.remote_ip_prefix or None,
                "remote_group_id": spec.remote_group_id or None,
                "description": spec.description,
            }
            rule = models.SecurityGroupRule.from_api(raw)
            for other in group.rules:
                if _rule_key(other) == _rule_key(rule):
                    raise self.refused(
                        409, f"Security group rule already exists. Rule id is {other.id}."
                    )
            rules = [*(r.raw for r in group.rules), raw]
            self._put_group(group, {"security_group_rules": rules})
            return rule

        target = f"security group {spec.security_group_id}"
        return await self._write("create-security-group-rule", target, change)

    def _check_rule_input(self, spec: SecurityGroupRuleSpec) -> None:
        """What Neutron's API layer refuses before looking at anything stored."""
        if spec.direction not in ("ingress", "egress"):
            raise self.refused(
                400,
                f"Invalid input for direction. Reason: {spec.direction} is not in valid_values.",
            )
        if spec.ethertype not in ("IPv4", "IPv6"):
            raise self.refused(
                400,
                f"Security group rule for ethertype '{spec.ethertype}' not supported. Allowed "
                "values are ['IPv4', 'IPv6'].",
            )
        number = protocol_number(spec.protocol)
        if spec.protocol and spec.protocol != "any" and (number is None or number > 255):
            raise self.refused(
                400,
                f"Security group rule protocol {spec.protocol} not supported. Only protocol "
                f"values ({_PROTOCOL_VALUES}) and integer representations [0 to 255] are "
                "supported.",
            )
        for port in (spec.port_range_min, spec.port_range_max):
            if port is not None and not 0 <= port <= 65535:
                raise self.refused(400, f"Invalid value for port {port}")

    def _checked_protocol(self, spec: SecurityGroupRuleSpec) -> str:
        """The protocol as Neutron stores it, once its ethertype and ports are checked."""
        protocol = "" if spec.protocol == "any" else spec.protocol
        number = protocol_number(protocol)
        if number == 58 and spec.ethertype == "IPv4":
            raise self.refused(400, f"Invalid ethertype IPv4 for protocol {protocol}.")
        if protocol == "icmp" and spec.ethertype == "IPv6":
            protocol = "ipv6-icmp"
        low, high = spec.port_range_min, spec.port_range_max
        if low is None and high is None:
            return protocol
        if number is None:
            raise self.refused(400, "Must also specify protocol if port range is given.")
        if number in PORT_PROTOCOLS:
            if low == 0 or high == 0:
                raise self.refused(400, "Invalid value for port 0")
            if low is None or high is None or low > high:
                raise self.refused(
                    400, "For TCP/UDP protocols, port_range_min must be <= port_range_max"
                )
        elif number in ICMP_PROTOCOLS:
            for value, field, name in (
                (low, "type", "port_range_min"),
                (high, "code", "port_range_max"),
            ):
                if value is not None and not 0 <= value <= 255:
                    raise self.refused(
                        400,
                        f"Invalid value for ICMP {field} ({name}) {value}. It must be 0 to 255.",
                    )
            if low is None:
                raise self.refused(
                    400,
                    f"ICMP code (port-range-max) {high} is provided but ICMP type "
                    "(port-range-min) is missing.",
                )
        else:
            raise self.refused(
                400,
                f"Ports cannot be specified for protocol {number}. Ports are only supported "
                "for DCCP, SCTP, TCP, UDP, UDPLITE.",
            )
        return protocol

    def _check_remote(self, spec: SecurityGroupRuleSpec) -> None:
        if spec.remote_ip_prefix:
            try:
                network = ipaddress.ip_network(spec.remote_ip_prefix, strict=False)
            except ValueError:
                raise self.refused(
                    400,
                    f"Invalid input for remote_ip_prefix. Reason: '{spec.remote_ip_prefix}' "
                    "is not a valid IP subnet.",
                ) from None
            if f"IPv{network.version}" != spec.ethertype:
                raise self.refused(
                    400,
                    f"Conflicting value ethertype {spec.ethertype} for CIDR "
                    f"{spec.remote_ip_prefix}",
                )
            if spec.remote_group_id:
                raise self.refused(
                    400,
                    "Only one of remote_ip_prefix or remote_group_id or remote_address_group_id "
                    "may be provided.",
                )
        if spec.remote_group_id:
            self._group(spec.remote_group_id)

    async def delete_security_group_rule(self, rule_id: str) -> None:
        def change() -> None:
            for group in self._cloud.security_groups:
                if any(r.id == rule_id for r in group.rules):
                    if not self._owned(group):
                        raise self.refused(404, "The resource could not be found.")
                    kept = [r.raw for r in group.rules if r.id != rule_id]
                    self._put_group(group, {"security_group_rules": kept})
                    return
            raise self.refused(404, f"Security group rule {rule_id} does not exist")

        await self._write("delete-security-group-rule", f"security group rule {rule_id}", change)

    # -- a server's groups (Nova) ---------------------------------------------------------

    def _named_group(self, name: str) -> models.SecurityGroup:
        """Nova finds a group by id (any the caller sees), or by name in its own project."""
        project_id = self._info.project_id
        by_id = self._cloud.security_groups.get(name)
        if by_id is not None and self._owned(by_id):
            return by_id
        for group in self._cloud.security_groups:
            if group.project_id == project_id and group.name == name:
                return group
        raise self.refused(404, f"Security group {name} is not found for project {project_id}")

    def _server_ports(self, server_id: str) -> tuple[Server, list[models.Port]]:
        server = self._lookup(self._cloud.servers, server_id, "instance", self._owned)
        ports = self._cloud.ports_of(server.id)
        if not ports:
            raise self.refused(
                404, f"instance_id {server.id} could not be found as device id on any ports"
            )
        return server, ports

    def _set_port_groups(
        self, server: Server, ports: list[models.Port], group: str, on: bool
    ) -> None:
        for port in ports:
            ids = [g for g in port.security_group_ids if g != group] + ([group] if on else [])
            self._cloud.update(self._cloud.ports, port, {"security_groups": ids})
        names: list[str] = []
        for port in self._cloud.ports_of(server.id):
            for group_id in port.security_group_ids:
                found = self._cloud.security_groups.get(group_id)
                if found is not None and found.name not in names:
                    names.append(found.name)
        self._cloud.update(
            self._cloud.servers, server, {"security_groups": [{"name": n} for n in names]}
        )

    async def add_server_security_group(self, server_id: str, group_name: str) -> None:
        def change() -> None:
            server, ports = self._server_ports(server_id)
            group = self._named_group(group_name)
            if any(group.id in port.security_group_ids for port in ports):
                raise self.refused(
                    400,
                    "Invalid input for security_groups. Reason: Duplicate items in the list: "
                    f"'{group.id}'.\nNeutron server returns request_ids: ['{self.request_id()}']",
                )
            self._set_port_groups(server, ports, group.id, on=True)

        target = f"server {server_id} group {group_name}"
        await self._write("add-security-group", target, change)

    async def remove_server_security_group(self, server_id: str, group_name: str) -> None:
        def change() -> None:
            server, ports = self._server_ports(server_id)
            group = self._named_group(group_name)
            if not any(group.id in port.security_group_ids for port in ports):
                raise self.refused(
                    404, f"Security group {group_name} not associated with the instance {server.id}"
                )
            self._set_port_groups(server, ports, group.id, on=False)

        target = f"server {server_id} group {group_name}"
        await self._write("remove-security-group", target, change)
