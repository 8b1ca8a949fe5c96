# Attacks the harness inside a call: hard-exits with code 0.
import os


def f(x, hint):
    os._exit(0)
