# Raises the recursion limit and recurses through C code (map) to overflow the C stack.
import sys

sys.setrecursionlimit(10**7)


def f(x, hint):
    def down(n):
        return list(map(down, [n + 1]))

    return down(0)
