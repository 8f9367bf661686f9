"""RFC 9162 Merkle trees: the RFC 6962 reference roots and proofs, round trips in every tree
shape up to 40 leaves, and the proofs that must fail (a flipped bit, an element too many or too
few, garbage in front, sizes out of order)."""

from __future__ import annotations

import pytest

from sojourn.audit.merkle import (
    EMPTY_ROOT,
    ProofError,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    root,
    verify_consistency,
    verify_inclusion,
)

HEX = ("", "00", "10", "2021", "3031", "40414243", "5051525354555657",
       "606162636465666768696a6b6c6d6e6f")  # fmt: skip
ENTRIES = [bytes.fromhex(h) for h in HEX]
ROOTS = [
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]
LEAVES = [leaf_hash(e) for e in ENTRIES]
MANY = [leaf_hash(bytes([i, i * 7 % 256])) for i in range(40)]


def _flip(value: bytes) -> bytes:
    return bytes([value[0] ^ 0x10]) + value[1:]


def test_the_rfc_6962_reference_roots() -> None:
    assert root([]) == EMPTY_ROOT
    for n, expected in enumerate(ROOTS):
        assert root(LEAVES[:n]).hex() == expected


def test_the_reference_inclusion_proof() -> None:
    proof = inclusion_proof(0, LEAVES)
    assert [p.hex() for p in proof] == [
        "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
    ]
    verify_inclusion(0, 8, LEAVES[0], proof, bytes.fromhex(ROOTS[8]))


def test_every_inclusion_proof_verifies_and_every_tampered_one_fails() -> None:
    for n in range(1, len(MANY) + 1):
        head = root(MANY[:n])
        for i in range(n):
            proof = inclusion_proof(i, MANY[:n])
            verify_inclusion(i, n, MANY[i], proof, head)
            bad = [
                (i, n, _flip(MANY[i]), proof),
                (i, n, MANY[i], [*proof, head]),  # too long
                (n, n, MANY[i], proof),  # index past the tree
            ]
            if proof:
                bad += [(i, n, MANY[i], proof[:-1]), (i, n, MANY[i], [_flip(proof[0]), *proof[1:]])]
                bad.append((i, n, MANY[i], [b"\x00" * 32, *proof]))  # garbage in front
            for index, size, entry, wrong in bad:
                with pytest.raises(ProofError):
                    verify_inclusion(index, size, entry, wrong, head)


def test_every_consistency_proof_verifies_and_every_tampered_one_fails() -> None:
    for n in range(1, 25):
        second = root(MANY[:n])
        for m in range(1, n + 1):
            first = root(MANY[:m])
            proof = consistency_proof(m, MANY[:n])
            verify_consistency(m, n, first, second, proof)
            bad = [(m, n, _flip(first), second, proof), (m, n, first, _flip(second), proof)]
            if m < n:
                bad += [
                    (m, n, first, second, [*proof, second]),  # too long
                    (m, n, first, second, proof[:-1]),  # too short
                    (m, n, first, second, [_flip(proof[0]), *proof[1:]]),
                    (m, n, first, second, [b"\x00" * 32, *proof]),  # garbage in front
                    (n, m, second, first, proof),  # first larger than second
                ]
            for args in bad:
                with pytest.raises(ProofError):
                    verify_consistency(*args)


def test_proofs_for_sizes_that_do_not_exist_are_refused() -> None:
    with pytest.raises(ValueError):
        inclusion_proof(3, MANY[:3])
    with pytest.raises(ValueError):
        consistency_proof(0, MANY[:3])
    with pytest.raises(ProofError):
        verify_consistency(0, 3, EMPTY_ROOT, root(MANY[:3]), [MANY[0]])
    verify_consistency(0, 3, EMPTY_ROOT, root(MANY[:3]), [])
