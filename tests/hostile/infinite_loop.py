# Attacks the wall/CPU limit: a pure-Python loop that never returns.
def f(x, hint):
    while True:
        pass
