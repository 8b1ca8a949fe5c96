# Attacks the output limit: prints 100 MB.
def f(x, hint):
    line = "spam" * 256
    for _ in range(100_000):
        print(line)
    return x * 2
