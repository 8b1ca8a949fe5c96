# Ignores SIGTERM (and SIGINT) and loops, hoping a polite kill never lands.
import signal

signal.signal(signal.SIGTERM, signal.SIG_IGN)
signal.signal(signal.SIGINT, signal.SIG_IGN)


def f(x, hint):
    while True:
        pass
