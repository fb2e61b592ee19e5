"""Claims of 01_perceptron's prose (see tests/claims/__init__.py)."""
from claims import Claim, Ref  # noqa: F401

CLAIMS = [
    Claim("a single perceptron reaches 14", 14, "len({tuple(row) for row in outputs})",
          "settings = np.column_stack", 0, "distinct truth tables reached on the weight grid"),
    Claim("each one makes 4 mistakes", 4, "mistakes[-1]", "X_xor, y_xor = data.gate(\"XOR\")", 0,
          "mistakes in the sixth epoch on XOR"),
    Claim("each one makes 4 mistakes", 4, "mistakes[2]", "X_xor, y_xor = data.gate(\"XOR\")", 0,
          "mistakes in the third epoch on XOR"),
    Ref("prove the convergence theorem (Section 7)", "convergence theorem"),
    Ref("is the smallest example (Section 8)", "XOR"),
    Ref("theorem in Section 7 shows", "convergence theorem"),
    Ref("then (Section 4) both", "geometry"),
    Ref("Section 7 explains why", "convergence theorem"),
]
