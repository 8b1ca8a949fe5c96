# Not valid Python: a compile error with a line number.
def f(x, hint)
    return x * 2
