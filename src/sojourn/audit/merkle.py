"""Merkle trees by RFC 9162 (Certificate Transparency 2.0), section 2.1: tree hashes,
inclusion and consistency proofs, and their verification.

Leaves are given as their leaf hashes (``leaf_hash`` of the entry). Verification follows the
RFC's algorithms step by step, including the checks that reject a proof with elements left
over, an index past the tree, or a first tree larger than the second.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

LEAF, NODE = b"\x00", b"\x01"
EMPTY_ROOT = hashlib.sha256(b"").digest()


class ProofError(ValueError):
    """A proof that does not verify."""


def leaf_hash(entry: bytes) -> bytes:
    return hashlib.sha256(LEAF + entry).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(NODE + left + right).digest()


def _split(n: int) -> int:
    """The largest power of two smaller than ``n`` (n > 1)."""
    return 1 << ((n - 1).bit_length() - 1)


def root(leaves: Sequence[bytes]) -> bytes:
    """MTH(D[n]) over the leaf hashes."""
    n = len(leaves)
    if n == 0:
        return EMPTY_ROOT
    if n == 1:
        return leaves[0]
    k = _split(n)
    return node_hash(root(leaves[:k]), root(leaves[k:]))


def inclusion_proof(index: int, leaves: Sequence[bytes]) -> list[bytes]:
    """PATH(m, D[n]): the audit path of leaf ``index``."""
    n = len(leaves)
    if not 0 <= index < n:
        raise ValueError(f"leaf {index} is not in a tree of {n}")
    if n == 1:
        return []
    k = _split(n)
    if index < k:
        return [*inclusion_proof(index, leaves[:k]), root(leaves[k:])]
    return [*inclusion_proof(index - k, leaves[k:]), root(leaves[:k])]


def consistency_proof(first: int, leaves: Sequence[bytes]) -> list[bytes]:
    """PROOF(m, D[n]): that the tree of the first ``first`` leaves is a prefix of ``leaves``."""
    if not 0 < first <= len(leaves):
        raise ValueError(f"no consistency proof from {first} to {len(leaves)}")
    return _subproof(first, leaves, True)


def _subproof(m: int, leaves: Sequence[bytes], whole: bool) -> list[bytes]:
    n = len(leaves)
    if m == n:
        return [] if whole else [root(leaves)]
    k = _split(n)
    if m <= k:
        return [*_subproof(m, leaves[:k], whole), root(leaves[k:])]
    return [*_subproof(m - k, leaves[k:], False), root(leaves[:k])]


def verify_inclusion(
    index: int, size: int, entry_hash: bytes, proof: Sequence[bytes], expected_root: bytes
) -> None:
    """RFC 9162 2.1.3.2; raises ProofError when the proof does not verify."""
    if not 0 <= index < size:
        raise ProofError(f"leaf index {index} is outside a tree of {size}")
    fn, sn, r = index, size - 1, entry_hash
    for p in proof:
        if sn == 0:
            raise ProofError("inclusion proof too long")
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ProofError("inclusion proof too short")
    if r != expected_root:
        raise ProofError("inclusion proof does not lead to the root")


def _trivial(
    first: int, second: int, first_root: bytes, second_root: bytes, proof: Sequence[bytes]
) -> bool:
    """Checks the sizes; True when nothing is left to prove."""
    if first > second:
        raise ProofError(f"first tree ({first}) is larger than the second ({second})")
    if first == second:
        if proof or first_root != second_root:
            raise ProofError("equal sizes need an empty proof and equal roots")
        return True
    if first == 0:
        if proof:
            raise ProofError("a proof from the empty tree must be empty")
        return True
    if not proof:
        raise ProofError("empty consistency proof")
    return False


def _consistency_roots(first: int, second: int, path: list[bytes]) -> tuple[bytes, bytes]:
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            raise ProofError("consistency proof too long")
        if fn & 1 or fn == sn:
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ProofError("consistency proof too short")
    return fr, sr


def verify_consistency(
    first: int, second: int, first_root: bytes, second_root: bytes, proof: Sequence[bytes]
) -> None:
    """RFC 9162 2.1.4.2; raises ProofError when the proof does not verify."""
    if _trivial(first, second, first_root, second_root, proof):
        return
    path = list(proof)
    if first & (first - 1) == 0:  # an exact power of two: the first root starts the path
        path.insert(0, first_root)
    fr, sr = _consistency_roots(first, second, path)
    if fr != first_root or sr != second_root:
        raise ProofError("consistency proof does not lead to both roots")
