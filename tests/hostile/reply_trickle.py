# Attacks the deadline: sends a well-formed reply one byte at a time, each byte well within
# any per-read timeout, so that the whole message takes far longer than the time limit.
import json
import os
import socket
import stat
import struct
import time


def f(x, hint):
    head = json.dumps({"ok": True, "value": {"t": "atom", "v": None}, "blobs": []}).encode()
    frame = struct.pack("!I", len(head)) + head
    for name in os.listdir("/proc/self/fd"):
        fd = int(name)
        try:
            if stat.S_ISSOCK(os.fstat(fd).st_mode):
                sock = socket.socket(fileno=os.dup(fd))
                for i in range(len(frame)):
                    sock.send(frame[i:i + 1])
                    time.sleep(0.5)
        except OSError:
            pass
    time.sleep(600)
