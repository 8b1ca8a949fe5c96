# Attacks the harness inside a call: raises SystemExit(0) instead of returning.
import sys


def f(x, hint):
    sys.exit(0)
