# Leaves data behind for a later submission to find: files in /tmp, in /dev/shm, in the home
# and work folders, a System V shared memory segment, and folders named like later jobs'.
import ctypes
import os


def f(x, hint):
    for folder in ("/tmp", "/dev/shm", os.path.expanduser("~"), os.getcwd(), "/tmp/jobs"):
        try:
            os.makedirs(folder, exist_ok=True)
            with open(os.path.join(folder, "metajudge-note-for-friend"), "w") as fh:
                fh.write("answer: x * 2")
        except OSError:
            pass
    for n in range(1, 200):
        for root in ("/tmp", "/tmp/jobs"):
            try:
                os.makedirs(os.path.join(root, f"job-{n}"), mode=0o700)
            except OSError:
                pass
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.shmat.restype = ctypes.c_void_p
        shmid = libc.shmget(0x4D4A0001, 4096, 0o1666)  # IPC_CREAT | 0666, a well-known key
        addr = libc.shmat(shmid, None, 0)
        if addr not in (None, ctypes.c_void_p(-1).value):
            ctypes.memmove(addr, b"answer: x * 2", 13)
    except OSError:
        pass
    return x * 2
