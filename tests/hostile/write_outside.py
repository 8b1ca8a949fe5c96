# Tries to write outside its working directory: the paths the test names, /tmp, and home.
import os


def f(x, hint):
    marker = hint["marker"]
    for path in [*hint["paths"], f"/tmp/{marker}", os.path.expanduser(f"~/{marker}")]:
        try:
            with open(path if path.endswith(marker) else os.path.join(os.path.dirname(path), marker), "w") as fh:
                fh.write("escaped")
        except OSError:
            pass
    return x * 2
