# client's LanNetnsTest builds its own network of namespaces (ip netns, veth, bridge): it needs iproute2.
# DirectNatNetnsTest also puts two homes behind NAT routers (iptables MASQUERADE, UDP DROP): it needs iptables.
weft_apt_install iproute2 iptables
