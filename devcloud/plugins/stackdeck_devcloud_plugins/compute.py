"""``devcloud-nova-compute``: nova-compute with the devcloud's fake driver loadable.

Nova loads ``compute_driver`` only from inside ``nova.virt``; register the driver module there
as ``nova.virt.devcloud_fake`` (``compute_driver = devcloud_fake.RestartSafeFakeDriver``).
"""

import sys

from nova.cmd import compute  # first, as the nova-compute script does (monkey patching)

from stackdeck_devcloud_plugins import fake_driver


def main() -> None:
    sys.modules["nova.virt.devcloud_fake"] = fake_driver
    sys.exit(compute.main())
