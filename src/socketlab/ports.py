"""Port numbers: IANA's ranges and this machine's ephemeral range."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

__all__ = ["IANA_DYNAMIC", "ephemeral_port_range"]

# IANA (RFC 6335): 0-1023 system ("well-known"), 1024-49151 user ("registered"),
# 49152-65535 dynamic/private. Operating systems choose their own ephemeral range.
IANA_DYNAMIC = (49152, 65535)


def _command(*cmd: str) -> str:
    return subprocess.run(cmd, capture_output=True, text=True, timeout=5, check=True).stdout


def ephemeral_port_range() -> tuple[int, int]:
    """The ports the kernel picks from for ``bind(port 0)`` and for clients, read from this machine.

    Linux: /proc/sys/net/ipv4/ip_local_port_range (often 32768-60999); macOS and the
    BSDs: sysctl net.inet.ip.portrange.first/last; Windows: netsh's dynamic port
    range. Falls back to IANA's 49152-65535 where it cannot be read.
    """
    try:
        if sys.platform.startswith("linux"):
            low, high = Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()
            return int(low), int(high)
        if sys.platform == "darwin" or "bsd" in sys.platform:
            return (int(_command("sysctl", "-n", "net.inet.ip.portrange.first")),
                    int(_command("sysctl", "-n", "net.inet.ip.portrange.last")))
        if sys.platform == "win32":
            start, count = map(int, re.findall(r":\s*(\d+)", _command("netsh", "int", "ipv4", "show",
                                                                      "dynamicport", "tcp"))[:2])
            return start, start + count - 1
    except (OSError, ValueError, subprocess.SubprocessError):
        pass
    return IANA_DYNAMIC
