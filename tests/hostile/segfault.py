# Crashes the interpreter with a segmentation fault through ctypes.
import ctypes


def f(x, hint):
    return ctypes.c_char_p(1).value
