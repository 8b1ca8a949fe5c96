# Attacks in-process timeouts: swallows every exception (KeyboardInterrupt, SystemExit, timeouts).
def f(x, hint):
    while True:
        try:
            while True:
                pass
        except BaseException:
            pass
