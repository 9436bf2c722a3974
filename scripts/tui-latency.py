#!/usr/bin/env python3
"""End-to-end TUI timings in a pseudo-terminal (issue 18, BENCHMARKS.md):
time to the first frame, then the time from each what-if key to the end
of its redraw, over N keys (fail / restore alternately, moving the cursor
in between). Usage: scripts/tui-latency.py BINARY LAYOUT [KEYS]"""
import os, pty, select, sys, time, struct, fcntl, termios

binary, layout = sys.argv[1], sys.argv[2]
n_keys = int(sys.argv[3]) if len(sys.argv) > 3 else 40

pid, fd = pty.fork()
if pid == 0:
    os.environ["TERM"] = "xterm-256color"
    os.execv(binary, [binary, layout])
fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 48, 160, 0, 0))

def read_until(marker, timeout):
    buf = b""
    end = time.time() + timeout
    while time.time() < end:
        r, _, _ = select.select([fd], [], [], 0.05)
        if r:
            try:
                buf += os.read(fd, 1 << 16)
            except OSError:
                break
            if marker in buf:
                return True
    return False

def drain(quiet=0.03, timeout=10.0):
    """Read until output stops for `quiet` seconds; return when it began
    and ended (None when nothing came)."""
    start = time.time()
    last = None
    while time.time() - start < timeout:
        r, _, _ = select.select([fd], [], [], quiet)
        if not r:
            if last is not None:
                return last
            continue
        os.read(fd, 1 << 16)
        last = time.time()
    return last

t0 = time.time()
assert read_until(b"Power tree", 600), "no first frame"
first = time.time() - t0
drain(0.5)
lat = []
for i in range(n_keys):
    key = b"f" if i % 2 == 0 else b"f"
    if i % 4 == 0:
        os.write(fd, b"j")
        drain(0.2)
    sent = time.time()
    os.write(fd, key)
    end = drain(0.05)
    if end is not None:
        lat.append(end - sent)
os.write(fd, b"\x03")
lat.sort()
p95 = lat[int(len(lat) * 0.95) - 1] if lat else float("nan")
print(f"first frame {first:.2f} s; {len(lat)} what-if keys: median {lat[len(lat)//2]*1000:.0f} ms, p95 {p95*1000:.0f} ms, max {lat[-1]*1000:.0f} ms")
