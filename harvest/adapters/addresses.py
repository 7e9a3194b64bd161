"""Which network addresses a harvest may talk to (no Django here).

A harvest source URL is typed by an operator and then fetched by a worker inside the data centre: a URL
that points at a private, loopback or link-local address (``http://10.0.0.5/``, ``http://localhost:6379``,
``http://169.254.169.254/`` — a cloud's metadata service) would let the portal be used to reach what only
it can reach. So every request a harvest makes — the first and every redirect — is checked before it is
sent (the host name resolved, every address it resolves to checked), and the address the connection
really went to is checked again when the answer arrives (a name that resolves differently the second
time). Only globally routable addresses pass, unless the address lies in one of ``allowed_networks``
(the setting ``HARVEST_ALLOWED_PRIVATE_NETWORKS``: a ministry intranet, the tests' loopback server).
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

__all__ = ["AddressPolicy", "ForbiddenAddress", "is_public_address"]

IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IpNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


class ForbiddenAddress(Exception):
    """A request would go to (or went to) an address the policy does not allow."""

    def __init__(self, host: str, address: str, reason: str):
        super().__init__(f"{host} ({address}): {reason}")
        self.host = host
        self.address = address
        self.reason = reason


def _ip(value: str) -> IpAddress:
    address = ipaddress.ip_address(value.split("%", 1)[0])  # drop an IPv6 zone ("fe80::1%eth0")
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped  # ::ffff:127.0.0.1 is 127.0.0.1
    return address


def is_public_address(value: str) -> bool:
    """Globally routable unicast (not private, loopback, link-local, shared, reserved or multicast)."""
    address = _ip(value)
    return address.is_global and not address.is_multicast


@dataclass(frozen=True)
class AddressPolicy:
    allowed_networks: tuple[IpNetwork, ...] = ()
    resolve: Callable[..., list] = socket.getaddrinfo

    @classmethod
    def allowing(cls, networks: Iterable[str]) -> AddressPolicy:
        """A policy from CIDR strings (``"10.20.0.0/16"``, ``"127.0.0.0/8"``); a bad one raises ValueError."""
        parsed = (ipaddress.ip_network(network.strip(), strict=False) for network in networks if network)
        return cls(tuple(parsed))

    def check_address(self, address: str, *, host: str = "") -> None:
        ip = _ip(address)
        if is_public_address(address) or any(ip in network for network in self.allowed_networks):
            return
        raise ForbiddenAddress(host or address, str(ip), "private, loopback or link-local address")

    def check_url(self, url: str) -> None:
        """Resolve the URL's host and check every address it names; raises :class:`ForbiddenAddress`.
        A name that does not resolve passes: the connection will fail on its own (and an address it
        resolves to later is checked on the answer, :meth:`OaiClient` does that)."""
        parts = urlsplit(url)
        host = parts.hostname or ""
        if not host:
            raise ForbiddenAddress(url, "", "no host in the URL")
        try:
            self.check_address(host, host=host)  # an address literal: no lookup
            return
        except ValueError:
            pass
        try:
            port = parts.port or (443 if parts.scheme == "https" else 80)
            infos = self.resolve(host, port, type=socket.SOCK_STREAM)
        except (OSError, ValueError):
            return
        for info in infos:
            self.check_address(info[4][0], host=host)
