"""Claims of 01_perceptron's prose (see tests/claims/__init__.py)."""
from claims import Claim, Ref  # noqa: F401

CLAIMS = [
    Ref("prove the convergence theorem (Section 7)", "convergence theorem"),
    Ref("is the smallest example (Section 8)", "XOR"),
    Ref("theorem in Section 7 shows", "convergence theorem"),
    Ref("then (Section 4) both", "geometry"),
    Ref("Section 7 explains why", "convergence theorem"),
]
