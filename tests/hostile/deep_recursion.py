# Recurses without end (the default recursion limit turns this into a RecursionError).
def f(x, hint):
    def down(n):
        return down(n + 1) + 1

    return down(0)
