# Attacks the protocol: answers a call with a forged reply whose "error" is a string, not an
# object, then with its own process still alive, hoping the judge's parser raises.
import json
import os
import socket
import stat
import struct


def _judge_socket():
    for name in os.listdir("/proc/self/fd"):
        try:
            if stat.S_ISSOCK(os.fstat(int(name)).st_mode):
                return socket.socket(fileno=os.dup(int(name)))
        except OSError:
            pass
    raise RuntimeError("no socket")


def f(x, hint):
    sock = _judge_socket()
    head = json.dumps({"ok": False, "error": "not an object", "blobs": []}).encode()
    sock.sendall(struct.pack("!I", len(head)) + head)
    import time
    time.sleep(30)
