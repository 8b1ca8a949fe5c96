# Imports a module that does not exist.
import no_such_module_anywhere


def f(x, hint):
    return x * 2
