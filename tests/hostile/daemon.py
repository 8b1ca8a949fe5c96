# Starts a daemon (double fork + setsid) that tries to outlive the call, then answers correctly.
import os


def f(x, hint):
    if os.fork() == 0:
        os.setsid()
        if os.fork() == 0:
            os.execv("/bin/sleep", ["sleep", "987.654"])
        os._exit(0)
    os.wait()
    return x * 2
