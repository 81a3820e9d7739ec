"""Nova's fake virt driver, made safe across nova-compute restarts.

The fake driver keeps its "VMs" in the compute process's memory, so after a restart every
server on the host is unknown to it and stop/start/reboot fail with InstanceNotFound. At
start-up nova-compute calls ``plug_vifs`` for each of its instances (``init_host``): re-create
the fake VM there, in the power state the database records.

After a live migration the source host forgets the VM, as a real hypervisor does: the stock
fake driver keeps it, and a later evacuation back to that host fails with "Instance ...
already exists".
"""

from typing import Any

from nova.virt import fake


class RestartSafeFakeDriver(fake.FakeDriverWithoutFakeNodes):
    def plug_vifs(self, instance: Any, network_info: Any) -> None:
        if instance.uuid not in self.instances:
            self.instances[instance.uuid] = fake.FakeInstance(
                instance.name, instance.power_state, instance.uuid
            )
        super().plug_vifs(instance, network_info)

    def post_live_migration(
        self, context: Any, instance: Any, block_device_info: Any, migrate_data: Any = None
    ) -> None:
        self.destroy(context, instance, network_info=None, block_device_info=block_device_info)
