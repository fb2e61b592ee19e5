"""Claims of 10_rnn's prose (see tests/claims/__init__.py).

The gradient measurements of section 5 and the RNN-vs-LSTM run of section 10 are stated by the
notebook itself (generated tables and sentences after the computations); what the prose still
states is held here."""
from claims import Claim, Ref  # noqa: F401

_RNN_BLOWS_UP = ("min(s for s in __import__('numpy').arange(1.0, 3.001, 0.05) "
                 "if __import__('course.viz.rnn', fromlist=['gradient_norms'])"
                 ".gradient_norms(60, s, 2.0)['rnn'][0] > 100)")

CLAIMS = [
    Claim("and from about 2.2 it **explodes**", 2.2, _RNN_BLOWS_UP,
          after="explorer = gradient_through_time(rnn_cell, lstm_cell)", tol=0.1,
          why="the smallest weight scale (slider steps of 0.05) at which the RNN's gradient reaching t = 1 "
              "of T = 60 exceeds 100 times the gradient at the loss"),
    Ref("gradients (section 5).", "vanishing and exploding"),
    Ref("sequence*, section 12).", "sequence to sequence"),
    Ref("Unroll the recursion of section 4", "backpropagation through time"),
    Ref("a real LSTM (section 6)", "LSTM"),
    Ref("once you have written it in section 6", "LSTM"),
    Ref("(section 8) for exploding ones", "gradient clipping"),
    Ref("with the gradient clipping of section 8", "gradient clipping"),
    Ref("as section 5 measured", "vanishing and exploding"),
]
