# Sleeps at import time, longer than any limit.
import time

time.sleep(600)


def f(x, hint):
    return x * 2
