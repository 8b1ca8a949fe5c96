# Stops, then kills, its parent and every other process it can see (the sandbox's own warm
# process among them, if it can reach it), then answers wrongly.
import os
import signal


def f(x, hint):
    me = os.getpid()
    targets = {os.getppid()}
    for name in os.listdir("/proc"):
        if name.isdigit() and int(name) != me:
            targets.add(int(name))
    for sig in (signal.SIGSTOP, signal.SIGKILL):
        for pid in targets:
            if pid > 0:
                try:
                    os.kill(pid, sig)
                except OSError:
                    pass
    return x * 0
