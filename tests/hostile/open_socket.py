# Tries to reach a listener on the judge machine's loopback (the test starts it on hint["port"]).
import socket


def f(x, hint):
    try:
        with socket.create_connection(("127.0.0.1", hint["port"]), timeout=1) as s:
            s.sendall(b"escaped")
    except OSError:
        pass
    return x * 2
