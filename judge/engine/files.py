"""Read a submission file the way a judge must: regular files only, never through a symlink.

``judge grade`` reads files a class handed in; a student can hand in a symlink to the bank's
reference, a FIFO that blocks forever, or a device. Each is refused with a reason that becomes
that file's row in the results, not an error that stops the run.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from judge.errors import SubmissionFileError

MAX_SOURCE_BYTES = 1024 * 1024


def read_source(path: Path, max_bytes: int = MAX_SOURCE_BYTES) -> bytes:
    """The bytes of ``path`` if it is a regular file (not a symlink) of at most ``max_bytes``
    bytes holding UTF-8 text; otherwise ``SubmissionFileError`` with the reason."""
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        raise SubmissionFileError(path, "does not exist",
                                  "Pass the path of your .py file, e.g. the one `judge start` "
                                  "wrote.") from None
    except OSError as exc:
        raise SubmissionFileError(path, f"cannot be read ({exc.strerror})") from None
    if stat.S_ISLNK(info.st_mode):
        raise SubmissionFileError(path, "is a symbolic link; only regular files are judged",
                                  "Submit the file itself, not a link to it.")
    if stat.S_ISDIR(info.st_mode):
        raise SubmissionFileError(path, "is a folder, not a file",
                                  "Pass the .py file inside it.")
    if not stat.S_ISREG(info.st_mode):
        raise SubmissionFileError(path, "is not a regular file (a FIFO, socket or device)",
                                  "Submit a plain .py file.")
    try:
        # O_NOFOLLOW: the path may have been swapped for a link since lstat; O_NONBLOCK: a FIFO
        # swapped in must not block the judge
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as exc:
        reason = ("is a symbolic link; only regular files are judged" if exc.errno == errno.ELOOP
                  else f"cannot be read ({exc.strerror})")
        raise SubmissionFileError(path, reason) from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise SubmissionFileError(path, "is not a regular file", "Submit a plain .py file.")
        if info.st_size > max_bytes:
            raise SubmissionFileError(path, f"is larger than {max_bytes // 1024} KB "
                                      f"({info.st_size // 1024} KB)", "Submit only your code.")
        chunks = []
        total = 0
        while True:
            chunk = os.read(fd, 65536)
            if not chunk:
                break
            total += len(chunk)
            if total > max_bytes:
                raise SubmissionFileError(path, f"is larger than {max_bytes // 1024} KB",
                                          "Submit only your code.")
            chunks.append(chunk)
    finally:
        os.close(fd)
    data = b"".join(chunks)
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SubmissionFileError(path, f"is not UTF-8 text (byte {exc.start} is not valid)",
                                  "Save the file as UTF-8.") from None
    return data
