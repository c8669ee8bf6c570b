"""IP allow-lists and the client address behind trusted proxies (pure)."""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(text: str, *, field: str = "allowed_ips") -> list[IPNetwork]:
    """Comma/space separated IPs or CIDRs → networks; ValueError names the bad entry."""
    networks: list[IPNetwork] = []
    for item in text.replace(",", " ").split():
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError as exc:
            raise ValueError(f"{field}: '{item}' is not an IP address or CIDR range") from exc
    return networks


def ip_allowed(ip: str, networks: Sequence[IPNetwork]) -> bool:
    """True when no allow-list is set or `ip` is inside one of its networks."""
    if not networks:
        return True
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return False
    return any(address in net for net in networks)


def client_ip(peer: str, forwarded_for: str | None, trusted: Sequence[IPNetwork]) -> str:
    """The sender's address: X-Forwarded-For is believed only from trusted proxies.

    Walks the X-Forwarded-For chain from the right, skipping trusted proxies,
    and returns the first address that is not one of them.
    """
    if not forwarded_for or not ip_allowed(peer, trusted) or not trusted:
        return peer
    for hop in reversed([h.strip() for h in forwarded_for.split(",") if h.strip()]):
        if not ip_allowed(hop, trusted):
            return hop
    return peer
