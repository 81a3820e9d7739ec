"""Nova's block devices at boot, in memory: what the API refuses, what the build attaches.

The API checks each existing volume (found, bootable for the root disk, free to reserve:
Cinder's rule quoted by Nova), the snapshot and the image a new root volume is made from
and the sizes, in Nova's words; the volumes are reserved at once. When the build ends the
root volume (existing, or made from the snapshot or the image) is attached as /dev/vda and
the others after it; a failed build frees what was reserved. Deleting the server deletes
the volumes marked delete-on-terminate (`Cloud.drop_server`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tui.backend import block_devices, models, states
from tui.backend.memory import data
from tui.backend.memory.cloud import ROOT_DEVICE, at_rest
from tui.backend.memory.volume import VolumeMemory
from tui.backend.models import Server

if TYPE_CHECKING:  # the compute models load with the first boot, not at start-up
    from tui.backend.models import BootSpec

_GIB = 1 << 30


class BlockDevicesMemory(VolumeMemory):
    # -- the API's checks ----------------------------------------------------------------------

    def _check_block_devices(self, spec: BootSpec) -> None:
        source = block_devices.boot_source(spec)
        for extra in spec.extra_volumes:
            if not extra.volume_id:
                self._check_size(extra.size_gb)
        if source == "volume":
            root = self._bdm_volume(spec.boot_volume_id)
            if not root.bootable:
                raise self.refused(400, f"Block Device {root.id} is not bootable.")
        elif source == "snapshot":
            snapshot = self._cloud.snapshots.get(spec.boot_snapshot_id)
            if snapshot is None or not self._owned(snapshot):
                # Nova looks the snapshot up before it checks the mappings (a 400, not 404)
                raise self.refused(400, f"Snapshot {spec.boot_snapshot_id} could not be found.")
        elif source == "image_volume":
            self._check_image_volume(spec)
        for volume_id in block_devices.existing_volume_ids(spec):
            self._check_reservable(self._bdm_volume(volume_id))
        if spec.count > 1 and block_devices.existing_volume_ids(spec):
            # the first server reserves the volume; Cinder refuses the second its attachment
            volume = self._bdm_volume(block_devices.existing_volume_ids(spec)[0])
            reserved = models.Volume.from_api({**volume.raw, "status": "reserved"})
            self._check_reservable(reserved)

    def _bdm_volume(self, volume_id: str) -> models.Volume:
        volume = self._cloud.volumes.get(volume_id)
        if volume is None or not self._owned(volume):
            raise self.refused(
                400, f"Block Device Mapping is Invalid: failed to get volume {volume_id}."
            )
        return volume

    def _check_reservable(self, volume: models.Volume) -> None:
        reason = self._via_nova(states.volume_refusal("attach", volume))
        if reason is not None:
            raise self.refused(400, f"Invalid volume: {reason}")

    def _check_size(self, size_gb: int) -> None:
        if size_gb < 1:
            raise self.refused(
                400,
                f"Invalid input for field/attribute volume_size. Value: {size_gb}. "
                f"{size_gb} is less than the minimum of 1",
            )

    def _check_image_volume(self, spec: BootSpec) -> None:
        image = self._cloud.images.get(spec.image_id)
        if image is None:
            raise self.refused(
                400, f"Block Device Mapping is Invalid: failed to get image {spec.image_id}."
            )
        self._check_size(spec.boot_volume_size_gb)
        if image.min_disk > spec.boot_volume_size_gb:
            raise self.refused(
                400,
                "Volume is smaller than the minimum size specified in image metadata. "
                f"Volume size is {spec.boot_volume_size_gb * _GIB} bytes, minimum size is "
                f"{image.min_disk * _GIB} bytes.",
            )

    def _reserve_block_devices(self, spec: BootSpec) -> None:
        for volume_id in block_devices.existing_volume_ids(spec):
            volume = self._cloud.volumes.get(volume_id)
            if volume is not None:
                self._cloud.update(self._cloud.volumes, volume, {"status": "reserved"})

    # -- the build's end -----------------------------------------------------------------------

    def _attach_block_devices(self, server: Server, spec: BootSpec) -> Server:
        """The disks of a server whose build just ended (ACTIVE, or ERROR: freed)."""
        if server.status != "ACTIVE":
            self._free_reserved(spec)
            return server
        root = self._root_volume(server, spec)
        if isinstance(root, str):  # Cinder refused to make it: the build fails
            self._free_reserved(spec)
            fault = {"code": 500, "message": root, "created": server.created}
            return self._cloud.update(
                self._cloud.servers, server, {**at_rest("error"), "fault": fault}
            )
        if root is not None:
            self._cloud.attach(server, root, ROOT_DEVICE, block_devices.deletes_root_volume(spec))
        for extra in spec.extra_volumes:
            volume = (
                self._cloud.volumes.get(extra.volume_id)
                if extra.volume_id
                else self._new_volume(server, extra.size_gb, f"{server.id}-blank-vol")
            )
            if volume is not None:
                current = self._cloud.servers.get(server.id) or server
                device = self._cloud.next_device(current)
                self._cloud.attach(current, volume, device, extra.delete_on_terminate)
        return self._cloud.servers.get(server.id) or server

    def _root_volume(self, server: Server, spec: BootSpec) -> models.Volume | str | None:
        source = block_devices.boot_source(spec)
        if source == "volume":
            return self._cloud.volumes.get(spec.boot_volume_id)
        if source == "image_volume":
            image_source = {"volume_image_metadata": {"image_id": spec.image_id}}
            return self._new_volume(server, spec.boot_volume_size_gb, "", True, image_source)
        if source == "snapshot":
            snapshot = self._cloud.snapshots.get(spec.boot_snapshot_id)
            if snapshot is None:
                return None
            size = spec.boot_volume_size_gb or snapshot.size_gb
            if size < snapshot.size_gb:
                return (
                    f"Build of instance {server.id} aborted: Invalid input received: Volume "
                    f"size '{size}'GB cannot be smaller than the snapshot size "
                    f"{snapshot.size_gb}GB. They must be >= original snapshot size."
                )
            original = self._cloud.volumes.get(snapshot.volume_id)
            bootable = original is not None and original.bootable
            return self._new_volume(server, size, "", bootable, {"snapshot_id": snapshot.id})
        return None

    def _new_volume(
        self,
        server: Server,
        size_gb: int,
        name: str,
        bootable: bool = False,
        source: models.Json | None = None,
    ) -> models.Volume:
        """A volume Nova asked Cinder for, in the server's project."""
        n = self._cloud.serial()
        raw = data.volume_json(
            data.fixed_id("volume", 1000 + n),
            name,
            size_gb,
            server.project_id,
            minutes=self._cloud.now(),
            bootable=bootable,
            source=source,
        )
        return self._cloud.volumes.add(models.Volume.from_api(raw))

    def _free_reserved(self, spec: BootSpec) -> None:
        for volume_id in block_devices.existing_volume_ids(spec):
            volume = self._cloud.volumes.get(volume_id)
            if volume is not None and volume.status == "reserved":
                self._cloud.update(self._cloud.volumes, volume, {"status": "available"})
