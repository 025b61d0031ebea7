"""Fingerprints of a text, to test that the course quotes no sentence of the note it grew from
without shipping that note: the hashes of every run of SHINGLE characters of its Chinese text
(punctuation, spaces and markup dropped). A hash cannot be read back into the sentence.

python tests/note_fingerprints.py NOTE.txt > tests/data/source_note_fingerprints.txt
"""
import hashlib
import re
import sys

SHINGLE = 12
_CJK = re.compile(r"[\u3400-\u9fff]")
_KEEP = re.compile(r"[\u3400-\u9fffA-Za-z0-9]")


def normalised(text: str) -> str:
    text = re.sub(r"<[^>]+>", "", text)     # HTML tags
    return "".join(ch.lower() for ch in text if _KEEP.match(ch))


def fingerprints(text: str) -> set[str]:
    """Hashes of the SHINGLE-character runs of text that are mostly Chinese (10 of 12 or more)."""
    flat = normalised(text)
    out = set()
    for i in range(len(flat) - SHINGLE + 1):
        run = flat[i:i + SHINGLE]
        if len(_CJK.findall(run)) >= SHINGLE - 2:
            out.add(hashlib.blake2b(run.encode(), digest_size=8).hexdigest())
    return out


if __name__ == "__main__":
    with open(sys.argv[1], encoding="utf-8") as f:
        print("\n".join(sorted(fingerprints(f.read()))))
