# Attacks the judge's memory and the report: a forged error reply carrying a 1 MB message and a
# 500-character type name (under the header cap, so it is parsed), hoping both are kept whole.
import json
import os
import socket
import stat
import struct


def f(x, hint):
    message = "A" * 1_000_000
    head = json.dumps({"ok": False, "error": {"kind": "exception", "type": "ValueError" * 50,
                                              "message": message, "frames": []},
                       "blobs": []}).encode()
    for name in os.listdir("/proc/self/fd"):
        fd = int(name)
        try:
            if stat.S_ISSOCK(os.fstat(fd).st_mode):
                socket.socket(fileno=os.dup(fd)).sendall(struct.pack("!I", len(head)) + head)
        except OSError:
            pass
    import time
    time.sleep(30)
