"""A veth + Linux bridge interface driver for the real neutron-dhcp-agent (opt-in).

neutron 29 ships only the Null and OVS interface drivers, and the kernel here has no Open
vSwitch. ``plug_new`` makes a veth pair ``tap<port>``/``ns-<port>``, moves the ``ns-`` end with
the port's MAC into the agent's namespace (``qdhcp-<network>``) and attaches the ``tap`` end to
a Linux bridge ``brq<network_id[:11]>`` it creates; a "VM" namespace with a veth into the same
bridge then gets its address from the network's dnsmasq. ``unplug`` removes the bridge once
nothing is attached to it. Uses neutron's internal ip_lib: neutron is pinned.
"""

from neutron.agent.linux import bridge_lib, interface, ip_lib
from neutron_lib import constants

BRIDGE_PREFIX = "brq"


def bridge_name(network_id: str) -> str:
    return BRIDGE_PREFIX + network_id[:11]


class BridgeVethInterfaceDriver(interface.LinuxInterfaceDriver):
    DEV_NAME_PREFIX = "ns-"

    def _tap_name(self, device_name: str, prefix: str | None = None) -> str:
        return device_name.replace(prefix or self.DEV_NAME_PREFIX, constants.TAP_DEVICE_PREFIX, 1)

    def plug_new(
        self,
        network_id: str,
        port_id: str,
        device_name: str,
        mac_address: str,
        bridge: str | None = None,
        namespace: str | None = None,
        prefix: str | None = None,
        mtu: int | None = None,
    ) -> None:
        brq = bridge_lib.BridgeDevice.addbr(bridge_name(network_id))
        brq.disable_stp()
        brq.setfd(0)
        brq.link.set_up()
        tap, ns_dev = ip_lib.IPWrapper().add_veth(
            self._tap_name(device_name, prefix), device_name, namespace2=namespace
        )
        tap.disable_ipv6()
        ns_dev.link.set_address(mac_address)
        if mtu:
            self.set_mtu(device_name, mtu, namespace=namespace, prefix=prefix)
        brq.addif(tap.name)
        tap.link.set_up()
        ns_dev.link.set_up()

    def unplug(
        self,
        device_name: str,
        bridge: str | None = None,
        namespace: str | None = None,
        prefix: str | None = None,
    ) -> None:
        owner = bridge_lib.BridgeDevice.get_interface_bridge(self._tap_name(device_name, prefix))
        device = ip_lib.IPDevice(device_name, namespace=namespace)
        if device.exists():
            device.link.delete()  # deletes the veth pair, tap end included
        if owner is not None and not owner.get_interfaces():
            owner.link.set_down()
            owner.delbr()

    def set_mtu(
        self, device_name: str, mtu: int, namespace: str | None = None, prefix: str | None = None
    ) -> None:
        ip_lib.IPDevice(self._tap_name(device_name, prefix)).link.set_mtu(mtu)
        ip_lib.IPDevice(device_name, namespace=namespace).link.set_mtu(mtu)
