"""Small plugins for the devcloud: an ML2 driver that binds every port, a WSGI shim,
and a veth + Linux bridge interface driver for the optional DHCP agent."""
