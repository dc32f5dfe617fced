# client's LanNetnsTest builds its own network of namespaces (ip netns, veth, bridge): it needs iproute2.
weft_apt_install iproute2
