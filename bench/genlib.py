"""Shared by the bench input generators: a distinct chunk of about 8 MB of
lines, repeated up to the requested size (generating a gigabyte line by line
in Python would take longer than the benchmark itself)."""
import sys


def size_args(doc):
    """PATH SIZE_BYTES from the command line, or the usage text."""
    if len(sys.argv) != 3:
        raise SystemExit(doc)
    return sys.argv[1], int(sys.argv[2])


def write_repeated(path, size, lines):
    """Writes the lines of the iterator `lines` (without newlines) up to a
    chunk of min(size, 8 MiB), then that chunk repeated up to `size` bytes."""
    chunk_lines = []
    chunk_size = 0
    for line in lines:
        if chunk_size >= min(size, 8 << 20):
            break
        line += "\n"
        chunk_lines.append(line)
        chunk_size += len(line)
    chunk = "".join(chunk_lines).encode()
    written = 0
    with open(path, "wb") as f:
        while written < size:
            f.write(chunk)
            written += len(chunk)
