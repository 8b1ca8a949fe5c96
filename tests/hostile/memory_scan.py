# Reads its own process memory, looking for the code of a submission judged before it (one
# that carries a known secret string): the sandbox's warm process must never have held it.
import ctypes
import hashlib
import re


def f(x, hint):
    prefix = ("metajudge" + "-honest-").encode()
    want = "cdee07c713041588007daf311defae39596cbd8e8ebc21735c970bd97d7cd540"
    found = False
    with open("/proc/self/maps") as maps:
        regions = [line.split() for line in maps]
    for parts in regions:
        if not parts[1].startswith("r") or (len(parts) > 5 and parts[5].startswith("[v")):
            continue
        start, end = (int(v, 16) for v in parts[0].split("-"))
        chunk = 4 << 20
        for at in range(start, end, chunk):
            data = ctypes.string_at(at, min(chunk + 64, end - at))
            for m in re.finditer(re.escape(prefix), data):
                tail = data[m.end():m.end() + 12]
                if hashlib.sha256(tail).hexdigest() == want:
                    found = True
    return x * 0 if found else x * 2
