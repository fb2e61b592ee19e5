"""Claims of 04_losses' prose (see tests/claims/__init__.py).

The prose states no result of the notebook's own runs that a claim could drift from: its numbers
are worked arithmetic (-log 0.9, the clip cap -log 1e-12) that the cells recompute beside it."""
from claims import Claim, Ref  # noqa: F401

CLAIMS = [
    Ref("$p - y$ (section 6)", "logits"),
    Ref("smoothing, section 9, uses", "Label smoothing"),
    Ref("Section 7 does the same for many classes", "Many classes"),
    Ref("the point of sections 6 and 7", "logits"),
]
