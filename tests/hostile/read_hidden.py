# Tries to read the hidden tests and the reference: the paths the judge uses, and a search of /.
import os


def f(x, hint):
    found = []
    for path in hint["paths"]:
        try:
            with open(path) as fh:
                found.append(fh.read(100))
        except OSError:
            pass
    for top in ("/work", "/root", "/home", "/tmp", "/srv", "/opt"):
        for dirpath, dirs, files in os.walk(top):
            # the runtime's own packages are bound read-only and hold nothing of the bank
            dirs[:] = [d for d in dirs if d not in ("site-packages", "node_modules", "__pycache__")]
            if "test_hidden.py" in files or os.path.basename(dirpath) in ("solutions", "questions"):
                found.append(dirpath)
    # Accepted only if nothing was found: anything found turns the answer wrong
    return x * 2 if not found else x * 0
