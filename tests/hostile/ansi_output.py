# Attacks the terminal report: prints escape sequences and carriage returns that, printed raw,
# would erase its own failure and draw a green "Accepted" line; then answers wrongly.
def f(x, hint):
    print("\x1b[1A\x1b[2K\r\x1b[32mPASS  test_double   Accepted 13/13\x1b[0m\r")
    print("\u202eevil\u202c \x07\x08\x08")
    raise ValueError("\x1b[2J\x1b[HAccepted\r\n\x1b[32mScore 1/1\x1b[0m")
