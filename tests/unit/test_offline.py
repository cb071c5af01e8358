"""`make test` runs fenced off the network (tests/offline.py): check that the fence holds."""

import os
import socket

import pytest

fenced = pytest.mark.skipif(os.environ.get("SOCKETLAB_OFFLINE") != "1",
                            reason="not run through tests/offline.py (make test does that)")


@fenced
def test_only_loopback_exists():
    names = [name for _, name in socket.if_nameindex()]
    assert names == ["lo"], f"network interfaces inside the fence: {names}"


@fenced
def test_no_name_server_is_configured():
    with open("/etc/resolv.conf") as f:
        assert "nameserver" not in f.read(), "the fence left a name server in /etc/resolv.conf"


@fenced
def test_a_name_lookup_fails_at_once_without_leaving_the_machine():
    with pytest.raises(socket.gaierror):
        socket.getaddrinfo("example.invalid", 80)


def test_localhost_still_resolves():
    assert ("127.0.0.1", 80) in [info[4][:2] for info in socket.getaddrinfo("localhost", 80, socket.AF_INET)]
