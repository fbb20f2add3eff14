"""Requests Trellis makes to addresses a user typed (calendar imports, webhooks): public only.

A URL typed into a form must not become a probe of the server's own network, so the host's
every address must be a global one (no loopback, private, link-local or reserved range).
"""

import ipaddress
import socket
import urllib.parse


class UnsafeAddress(ValueError):
    """The address is not an http(s) URL on the public internet; the message says why."""


def refuse_private_address(url: str, *, purpose: str = "requests go to the internet only") -> None:
    """Raise UnsafeAddress unless `url` is http(s) and its host resolves to public addresses only."""
    parts = urllib.parse.urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UnsafeAddress("Only http:// and https:// addresses can be used.")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise UnsafeAddress("The address has an invalid port.") from None
    try:
        infos = socket.getaddrinfo(parts.hostname, port, proto=socket.IPPROTO_TCP)
    except OSError as exc:
        raise UnsafeAddress(f"Could not find the host {parts.hostname}: {exc}") from None
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if not address.is_global:
            raise UnsafeAddress(
                f"{parts.hostname} is a private or local address; {purpose}."
            )
