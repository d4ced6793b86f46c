"""Pagefind's filter indexes made the same from one build to the next.

Pagefind (1.5) writes each filter's values in the order of a Rust hash map, which changes from run to
run, and names each file by its content: the filter files, the metadata file that lists them and
pagefind-entry.json differed between two builds of the same data. Here each filter's values are put in
order and the files renamed by their new content. The files are gzip-compressed CBOR after a 12-byte
signature; only the few CBOR forms Pagefind writes are read and written.
"""

import gzip
import hashlib
import json

SIGNATURE = b"pagefind_dcd"


def _head(major: int, n: int) -> bytes:
    if n < 24:
        return bytes([major << 5 | n])
    for extra, size in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if n < 1 << (8 * size):
            return bytes([major << 5 | extra]) + n.to_bytes(size, "big")
    raise ValueError(f"CBOR length {n} too large")


def encode(value) -> bytes:
    """CBOR of unsigned integers, text and lists, each length in its shortest form (as Pagefind writes)."""
    if isinstance(value, bool) or value is None:
        raise TypeError("Pagefind's filter files hold no booleans or nulls")
    if isinstance(value, int):
        return _head(0, value)
    if isinstance(value, str):
        data = value.encode("utf-8")
        return _head(3, len(data)) + data
    return _head(4, len(value)) + b"".join(encode(item) for item in value)


def decode(data: bytes, at: int = 0):
    """(value, where it ends) of the CBOR at `at`: unsigned integers, text and lists."""
    major, extra = data[at] >> 5, data[at] & 31
    at += 1
    if extra >= 24:
        size = 1 << (extra - 24)
        n, at = int.from_bytes(data[at : at + size], "big"), at + size
    else:
        n = extra
    if major == 0:
        return n, at
    if major == 3:
        return data[at : at + n].decode("utf-8"), at + n
    if major == 4:
        items = []
        for _ in range(n):
            item, at = decode(data, at)
            items.append(item)
        return items, at
    raise ValueError(f"CBOR major type {major} is not one Pagefind's filter files use")


def _read(data: bytes):
    raw = gzip.decompress(data)
    if not raw.startswith(SIGNATURE):
        raise ValueError("not a Pagefind index file")
    return decode(raw, len(SIGNATURE))[0]


def _write(value) -> bytes:
    return gzip.compress(SIGNATURE + encode(value), mtime=0)


def _name(lang: str, data: bytes, length: int) -> str:
    return f"{lang}_{hashlib.sha256(data).hexdigest()[:length]}"


def stable_filters(files: dict[str, bytes], folder: str) -> dict[str, bytes]:
    """The index files (path → bytes) with each filter's values in order, the filter files and the
    metadata that lists them renamed by their content, and pagefind-entry.json pointing at them."""
    files = dict(files)
    entry_path = f"{folder}/pagefind-entry.json"
    entry = json.loads(files[entry_path])
    for lang, about in entry["languages"].items():
        meta_path = f"{folder}/pagefind.{about['hash']}.pf_meta"
        meta = _read(files.pop(meta_path))
        renamed = []
        for name, old in meta[3]:  # the metadata's list of filters: [name, file's hash]
            key, values = _read(files.pop(f"{folder}/filter/{old}.pf_filter"))
            data = _write([key, sorted(values, key=lambda value: value[0])])
            new = _name(lang, data, 7)
            files[f"{folder}/filter/{new}.pf_filter"] = data
            renamed.append([name, new])
        meta[3] = sorted(renamed)
        data = _write(meta)
        about["hash"] = _name(lang, data, 10)
        files[f"{folder}/pagefind.{about['hash']}.pf_meta"] = data
    files[entry_path] = json.dumps(entry, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")
    return files
