"""Nova's fake virt driver, made safe across nova-compute restarts.

The fake driver keeps its "VMs" in the compute process's memory, so after a restart every
server on the host is unknown to it and stop/start/reboot fail with InstanceNotFound. At
start-up nova-compute calls ``plug_vifs`` for each of its instances (``init_host``): re-create
the fake VM there, in the power state the database records.
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
