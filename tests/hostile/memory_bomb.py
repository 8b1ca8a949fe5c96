# Attacks the memory limit: keeps allocating until something stops it.
def f(x, hint):
    hoard = []
    while True:
        hoard.append(bytearray(50 * 1024 * 1024))
