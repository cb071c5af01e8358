"""The ephemeral range socketlab reports is the one the kernel really uses."""

import socket

from socketlab.ports import ephemeral_port_range


def test_range_is_sane():
    low, high = ephemeral_port_range()
    assert 1024 <= low < high <= 65535, f"odd ephemeral range {low}-{high}"


def test_kernel_picks_ports_inside_the_range():
    low, high = ephemeral_port_range()
    sockets = [socket.socket() for _ in range(20)]
    try:
        for s in sockets:
            s.bind(("127.0.0.1", 0))
        ports = [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()
    outside = [p for p in ports if not low <= p <= high]
    assert not outside, f"ports {outside} chosen by the kernel lie outside {low}-{high}"
