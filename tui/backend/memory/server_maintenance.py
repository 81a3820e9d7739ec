"""In-memory Nova keeping a server: rebuild, snapshot image, rescue / unrescue, metadata and
tags, diagnostics — behaving as devcloud's real Nova was seen to.

Rebuild keeps the id and takes the new image (and name, key pair) at once, shows REBUILD
while it spawns, then ACTIVE (SHUTOFF when it was stopped); preserving the ephemeral disk is
what libvirt and the fake driver cannot do: ERROR with Nova's fault. createImage makes a real
image in the in-memory Glance (queued, then active once the snapshot is uploaded), owned by
whoever asked: shared with the server's project when that is another. Rescue: RESCUE;
unrescue: ACTIVE. Metadata and tags are kept in the server's record as Nova shows them (tags
sorted, without duplicates); diagnostics are Nova 2.48's answer. Refusals come from the state
table (``tui/backend/states.py``), Nova's schema and its policy, in Nova's words and statuses;
every action is recorded as Nova records it (an instance action with its events).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from functools import partial
from typing import TYPE_CHECKING, Any

from tui.backend import models
from tui.backend.memory import data
from tui.backend.memory.cloud import ATTACHED, ROOT_DEVICE, at_rest
from tui.backend.memory.moves import CONDUCTOR, MovesMemory
from tui.backend.models import Json, Server

PRESERVE_EPHEMERAL = "The current driver does not support preserving ephemeral partitions."
DIAGNOSTICS_POLICY = "os_compute_api:os-server-diagnostics"
METADATA_KEY = re.compile(r"^[a-zA-Z0-9-_:. ]{1,255}$")  # Nova's schema (parameter_types)
METADATA_VALUE_MAX = 255
METADATA_ITEMS = 128  # Nova's default metadata_items quota
TAG_MAX = 60  # nova.objects.tag.MAX_TAG_LENGTH
TAGS_MAX = 50  # nova.objects.instance.MAX_TAG_COUNT

_RESCUED: Json = {
    "status": "RESCUE",
    "OS-EXT-STS:vm_state": "rescued",
    "OS-EXT-STS:power_state": 1,
    "OS-EXT-STS:task_state": None,
}
# the power state diagnostics name (InstancePowerStateField) for each vm_state
_POWER_NAMES = {
    "active": "running",
    "rescued": "running",
    "resized": "running",
    "paused": "paused",
    "suspended": "suspended",
    "stopped": "shutdown",
    "error": "crashed",
}


class ServerMaintenanceMemory(MovesMemory):
    if TYPE_CHECKING:  # Glance's rule, from ImageMemory (later in MemoryBackend's bases)

        def _image_visible(self, image: models.Image) -> bool: ...

    # -- helpers -------------------------------------------------------------------------------

    def _put_server(self, server: Server, raw: Json) -> Server:
        """Put a server's whole record (keys dropped too: a fault once the error is over)."""
        return self._cloud.servers.put(Server.from_api(raw, self._cloud.names))

    def _updated(self) -> Json:
        """A record's new ``updated`` time (a change Nova saves moves it on)."""
        return {"updated": self._cloud.next_stamp()}

    def _root_image(self, server: Server) -> str:
        """The image a volume-backed server was made from (its root volume's), else ""."""
        for volume in self._cloud.attached_volumes(server):
            if any(
                a.device == ROOT_DEVICE and a.server_id == server.id for a in volume.attachments
            ):
                meta = volume.raw.get("volume_image_metadata") or {}
                return str(meta.get("image_id") or "")
        return ""

    def _schema_error(self, field: object, value: object, why: str) -> Exception:
        return self.refused(
            400, f"Invalid input for field/attribute {field}. Value: {value}. {why}"
        )

    # -- rebuild -----------------------------------------------------------------------------

    async def rebuild_server(
        self,
        server_id: str,
        image_id: str,
        *,
        name: str = "",
        admin_password: str = "",
        key_name: str | None = None,
        preserve_ephemeral: bool = False,
    ) -> None:
        self.secrets.add(admin_password)

        def change() -> None:
            server = self._ready(server_id, "rebuild")
            image = self._cloud.images.get(image_id)
            if image is None or not self._image_visible(image):
                raise self.refused(400, "Cannot find image for rebuild")
            if image.status != "active":
                raise self.refused(400, f"Image {image_id} is not active.")
            volume_backed = not server.image
            if volume_backed and image_id != self._root_image(server):
                raise self.refused(
                    400,
                    "Unable to rebuild with a different image for a volume-backed server.",
                )
            changes: dict[str, Any] = {"status": "REBUILD", "OS-EXT-STS:task_state": "rebuilding"}
            if key_name is not None:
                if key_name and self._cloud.keypairs(self._info.user_id).get(key_name) is None:
                    raise self.refused(400, "Invalid key_name provided.")
                changes["key_name"] = key_name or None
            if name:
                changes["name"] = name
            if not volume_backed:  # Nova keeps an empty image_ref as the sign of BFV
                changes["image"] = {"id": image_id}
            vm_state = server.vm_state
            record = self._action(server, "rebuild", ("rebuild_server", CONDUCTOR))
            if vm_state == "stopped":
                self._cloud.add_event(record, "compute_stop_instance", server.host)
            kept = {k: v for k, v in server.raw.items() if k != "fault"}  # shown in ERROR only
            self._put_server(server, {**kept, **changes})

            def spawning() -> None:
                self._set(server, {"OS-EXT-STS:task_state": "rebuild_spawning"})

            def finish() -> None:
                fresh = self._fresh(server)
                raw = dict(fresh.raw)
                if preserve_ephemeral:  # the default rebuild (libvirt, fake) cannot
                    self._cloud.add_event(record, "compute_rebuild_instance", server.host, "Error")
                    fault = {"code": 400, "message": PRESERVE_EPHEMERAL, "created": fresh.updated}
                    self._put_server(
                        fresh, {**raw, **at_rest("error"), **self._updated(), "fault": fault}
                    )
                    return
                self._cloud.add_event(record, "compute_rebuild_instance", server.host)
                kept = "stopped" if vm_state == "stopped" else "active"
                self._put_server(fresh, {**raw, **at_rest(kept), **self._updated()})

            self._later(server, spawning, finish)

        await self._write("rebuild", self._server_target(server_id), change)

    # -- createImage -------------------------------------------------------------------------

    async def create_server_image(
        self, server_id: str, name: str, metadata: Mapping[str, str] | None = None
    ) -> str:
        extra = dict(metadata or {})

        def change() -> str:
            self._check_metadata_schema(extra)
            server = self._visible_server(server_id)
            self._check_state(server, "create_image")  # no lock check: Nova has none here
            return self._snapshot(server, name, extra)

        target = f"{self._server_target(server_id)} → image {name}"
        return await self._write("create-server-image", target, change)

    def _snapshot(self, server: Server, name: str, extra: dict[str, str]) -> str:
        n = self._cloud.serial()
        image_id = data.fixed_id("image", 20_000 + n)
        base = self._cloud.images.get(server.image) if server.image else None
        names = self.project_names()
        properties: dict[str, Any] = {
            "base_image_ref": server.image or "",
            "owner_project_name": names.get(server.project_id, server.project_id),
            "owner_user_name": self._info.user,
            "instance_uuid": server.id,
            "user_id": self._info.user_id,
            "image_type": "snapshot",
            **extra,
        }
        ours = server.project_id == self._info.project_id
        volume_backed = not server.image
        if volume_backed:  # a bucket of properties: the volumes are snapshotted in Cinder
            mappings = []
            for volume in self._cloud.attached_volumes(server):
                snapshot = data.snapshot_json(
                    data.fixed_id("snapshot", 20_000 + self._cloud.serial()),
                    f"snapshot for {name}",
                    volume.raw,
                    self._cloud.now(),
                )
                self._cloud.snapshots.add(models.VolumeSnapshot.from_api(snapshot))
                device = next(
                    (a.device for a in volume.attachments if a.server_id == server.id), ""
                )
                mappings.append(
                    {
                        "source_type": "snapshot",
                        "destination_type": "volume",
                        "snapshot_id": snapshot["id"],
                        "device_name": device,
                        "boot_index": 0 if device == ROOT_DEVICE else None,
                        "volume_size": volume.size_gb,
                        "delete_on_termination": False,
                    }
                )
            import json  # a snapshot's image record only: not on the start-up path

            properties.update(
                bdm_v2="True",
                root_device_name=ROOT_DEVICE,
                block_device_mapping=json.dumps(mappings),
            )
        raw = data.image_json(
            image_id,
            name,
            self._info.project_id,  # Glance's owner: whoever asked, as Nova's context is
            visibility="private" if ours else "shared",
            size=0 if volume_backed else None,
            min_disk=base.min_disk if base else 0,
            min_ram=base.min_ram if base else 0,
            status="active" if volume_backed else "queued",
            minutes=self._cloud.now(),
            properties={"disk_format": None, "container_format": None, **properties},
        )
        image = self._cloud.images.add(models.Image.from_api(raw))
        if not ours:  # Nova adds the server's project as a member of the shared image
            when = data.stamp(self._cloud.now())
            self._cloud.image_members.setdefault(image.id, {})[server.project_id] = {
                "image_id": image.id,
                "member_id": server.project_id,
                "status": "pending",
                "created_at": when,
                "updated_at": when,
                "schema": "/v2/schemas/member",
            }
        record = self._action(server, "createImage")
        self._set(server, {"OS-EXT-STS:task_state": "image_snapshot_pending"})

        def uploading() -> None:
            self._set(server, {"OS-EXT-STS:task_state": "image_uploading"})
            if not volume_backed:
                self._cloud.update(self._cloud.images, image, {"status": "saving"})

        def finish() -> None:
            self._cloud.add_event(record, "compute_snapshot_instance", server.host)
            self._set(server, {"OS-EXT-STS:task_state": None, **self._updated()})
            if volume_backed:
                return
            size = int((server.raw.get("flavor") or {}).get("disk") or 1) * 1024**3 // 16
            uploaded = {
                "status": "active",
                "size": size,
                "virtual_size": size,
                "disk_format": "qcow2",
                "container_format": "bare",
                "checksum": hashlib.md5(image.id.encode(), usedforsecurity=False).hexdigest(),
            }
            current = self._cloud.images.get(image.id)
            if current is not None:  # not deleted meanwhile
                self._cloud.update(self._cloud.images, current, uploaded)

        self._later(server, uploading, finish)
        return image.id

    # -- rescue ------------------------------------------------------------------------------

    async def rescue_server(
        self, server_id: str, *, image_id: str = "", admin_password: str = ""
    ) -> None:
        self.secrets.add(admin_password)

        def change() -> None:
            server = self._ready(server_id, "rescue")
            if image_id:
                image = self._cloud.images.get(image_id)
                if image is None or not self._image_visible(image):
                    raise self.refused(400, f"Requested rescue image '{image_id}' is not supported")
            if not server.image:
                raise self.refused(
                    400,
                    f"Instance {server.id} cannot be rescued: Cannot rescue a volume-backed "
                    "instance",
                )
            record = self._action(server, "rescue")
            self._set(server, {"OS-EXT-STS:task_state": "rescuing"})

            def finish() -> None:
                self._cloud.add_event(record, "compute_rescue_instance", server.host)
                self._set(server, {**_RESCUED, **self._updated()})

            self._later(server, finish)

        await self._write("rescue", self._server_target(server_id), change)

    async def unrescue_server(self, server_id: str) -> None:
        def change() -> None:
            server = self._ready(server_id, "unrescue")
            record = self._action(server, "unrescue")
            self._set(server, {"OS-EXT-STS:task_state": "unrescuing"})

            def finish() -> None:
                self._cloud.add_event(record, "compute_unrescue_instance", server.host)
                self._set(server, {**at_rest("active"), **self._updated()})

            self._later(server, finish)

        await self._write("unrescue", self._server_target(server_id), change)

    # -- metadata and tags -------------------------------------------------------------------

    def _check_metadata_schema(self, metadata: Mapping[str, str]) -> None:
        """Nova's JSON schema for metadata (a 400 before anything else is looked at)."""
        for key, value in metadata.items():
            if not METADATA_KEY.match(key):
                raise self._schema_error(
                    "metadata",
                    dict(metadata),
                    f"'{key}' does not match any of the regexes: '{METADATA_KEY.pattern}'",
                )
            if len(value) > METADATA_VALUE_MAX:
                raise self._schema_error(key, value, f"'{value}' is too long")

    def _visible_server(self, server_id: str) -> Server:
        server = self._server_or_404(server_id)
        if not self._owned(server):
            raise self.not_found("instance", server_id)
        return server

    async def update_server_metadata(
        self, server_id: str, changes: Mapping[str, str | None]
    ) -> dict[str, str]:
        setting = {k: v for k, v in changes.items() if v is not None}
        target = self._server_target(server_id)

        def merge() -> None:
            self._check_metadata_schema(setting)
            server = self._visible_server(server_id)
            self._check_lock(server, "update_metadata")
            self._check_state(server, "update_metadata")
            merged = {**(server.raw.get("metadata") or {}), **setting}
            if len(merged) > METADATA_ITEMS:
                raise self.refused(
                    403, f"Maximum number of metadata items exceeds {METADATA_ITEMS}"
                )
            self._set(server, {"metadata": merged, **self._updated()})

        def drop(key: str) -> None:
            server = self._visible_server(server_id)
            if key not in (server.raw.get("metadata") or {}):
                raise self.refused(404, "Metadata item was not found")
            self._check_lock(server, "delete_metadata")
            self._check_state(server, "delete_metadata")
            kept = {k: v for k, v in (server.raw.get("metadata") or {}).items() if k != key}
            self._set(server, {"metadata": kept, **self._updated()})

        if setting:
            await self._write(
                "set-server-metadata", f"{target}: {', '.join(sorted(setting))}", merge
            )
        for key in sorted(k for k, v in changes.items() if v is None):
            await self._write("unset-server-metadata", f"{target}: {key}", partial(drop, key))
        server = self._visible_server(server_id)
        return {str(k): str(v) for k, v in (server.raw.get("metadata") or {}).items()}

    def _check_tags_schema(self, tags: Sequence[str]) -> None:
        if len(tags) > TAGS_MAX:
            raise self._schema_error("tags", list(tags), f"{list(tags)} is too long")
        for index, tag in enumerate(tags):
            if not tag:
                raise self._schema_error(index, tag, "'' should be non-empty")
            if len(tag) > TAG_MAX:
                raise self._schema_error(index, tag, f"'{tag}' is too long")
            if "," in tag or "/" in tag:
                raise self._schema_error(index, tag, f"'{tag}' does not match '^[^,/]*$'")

    async def set_server_tags(self, server_id: str, tags: Sequence[str]) -> list[str]:
        def change() -> list[str]:
            self._check_tags_schema(tags)
            server = self._visible_server(server_id)
            self._check_state(server, "update_tags")  # the tags API checks no lock
            kept = sorted(set(tags))
            self._set(server, {"tags": kept, **self._updated()})
            return kept

        target = f"{self._server_target(server_id)}: {', '.join(tags) or 'none'}"
        return await self._write("set-server-tags", target, change)

    # -- diagnostics -------------------------------------------------------------------------

    async def server_diagnostics(self, server_id: str) -> models.ServerDiagnostics:
        server = self._visible_server(server_id)
        self._require_admin("show server diagnostics", DIAGNOSTICS_POLICY)
        self._check_state(server, "diagnostics")
        return models.ServerDiagnostics.from_api(self._diagnostics(server))

    def _diagnostics(self, server: Server) -> Json:
        """Nova 2.48's answer for a libvirt/KVM server, made up from its record."""
        flavor = server.raw.get("flavor") or {}
        vcpus = int(flavor.get("vcpus") or 1)
        ram = int(flavor.get("ram") or 512)
        seed = int(hashlib.sha256(server.id.encode()).hexdigest()[:8], 16)
        running = server.vm_state in ("active", "rescued", "resized")
        uptime = 3600 + seed % 864_000 if running else 0
        macs = [a.mac for a in server.fixed_ips]
        disks = 1 + len(server.raw.get(ATTACHED) or ())
        return {
            "state": _POWER_NAMES.get(server.vm_state, "pending"),
            "driver": "libvirt",
            "hypervisor": "kvm",
            "hypervisor_os": "linux",
            "uptime": uptime,
            "config_drive": False,
            "num_cpus": vcpus,
            "num_nics": len(macs),
            "num_disks": disks,
            "memory_details": {"maximum": ram, "used": ram * (30 + seed % 60) // 100},
            "cpu_details": [
                {
                    "id": k,
                    "time": uptime * (10_000_000 + (seed >> k) % 90_000_000),
                    "utilisation": (seed >> (3 * k)) % 100 if running else 0,
                }
                for k in range(vcpus)
            ],
            "nic_details": [
                {
                    "mac_address": mac,
                    "rx_octets": uptime * (2000 + k),
                    "rx_errors": 0,
                    "rx_drop": seed % 7,
                    "rx_packets": uptime * 3,
                    "rx_rate": None,
                    "tx_octets": uptime * (900 + k),
                    "tx_errors": 0,
                    "tx_drop": 0,
                    "tx_packets": uptime * 2,
                    "tx_rate": None,
                }
                for k, mac in enumerate(macs)
            ],
            "disk_details": [
                {
                    "read_bytes": uptime * 4096 * (k + 1),
                    "read_requests": uptime * (k + 1),
                    "write_bytes": uptime * 2048 * (k + 1),
                    "write_requests": uptime // 2 * (k + 1),
                    "errors_count": 0,
                }
                for k in range(disks)
            ],
        }
