# Reads its own process memory, looking for the code of a submission judged before it (one
# that carries a known secret string): the sandbox's warm process must never have held it.
import ctypes
import hashlib


def f(x, hint):
    prefix = ("metajudge" + "-honest-").encode()
    want = "cdee07c713041588007daf311defae39596cbd8e8ebc21735c970bd97d7cd540"
    found = False
    with open("/proc/self/maps") as maps:
        regions = [line.split() for line in maps]
    for parts in regions:
        # the heap and anonymous memory: where a process keeps data it read (file mappings are
        # the libraries' code)
        if not parts[1].startswith("rw") or (len(parts) > 5 and parts[5] not in ("[heap]",)):
            continue
        start, end = (int(v, 16) for v in parts[0].split("-"))
        chunk = 4 << 20
        for at in range(start, end, chunk):
            data = ctypes.string_at(at, min(chunk + 64, end - at))
            at_hit = data.find(prefix)
            while at_hit >= 0:
                tail = data[at_hit + len(prefix):at_hit + len(prefix) + 12]
                if hashlib.sha256(tail).hexdigest() == want:
                    found = True
                at_hit = data.find(prefix, at_hit + 1)
    return x * 0 if found else x * 2
