# Defines the wrong name: the entry point f is missing.
def g(x, hint):
    return x * 2
