"""Claims of 06_optimizers' prose (see tests/claims/__init__.py)."""
from claims import Claim, Ref  # noqa: F401

# The race's presets replayed with the built-in rules (the source notebook races the same rules).
_RACE = "(lambda o: {body})(__import__('course.viz.optimizers', fromlist=['run_optimizer']))"
_ADAPTIVE = ("Adagrad", "RMSprop", "Adam", "AdamW")


def _path(name, surface, steps, wd="0.1", start=None):
    s = f"o.SURFACES[{surface!r}]"
    lr = f"{s}.lr_adaptive" if name in _ADAPTIVE else f"{s}.lr"
    return f"o.run_optimizer({name!r}, {s}.grad, {start or s + '.start'}, {steps}, {lr}, 0.9, {wd})"


def _leaves(name):
    """First step at which |y| > 0.5 from the saddle preset."""
    return _RACE.format(body=f"int(np.argmax(np.abs({_path(name, 'saddle', 300)}[0][:, 1]) > 0.5))")


_AFTER_RACE = "optimizer_race(steps="

CLAIMS = [
    Claim("36 steps for SGD", 36, _leaves("SGD"), _AFTER_RACE, 0, "SGD's step when |y| passes 0.5"),
    Claim("and 14 for momentum", 14, _leaves("Momentum"), _AFTER_RACE, 0, "momentum's step"),
    Claim("RMSprop after 4 steps", 4, _leaves("RMSprop"), _AFTER_RACE, 0, "RMSprop's step"),
    Claim("Adam and AdamW\n   after about 10", 10, _leaves("Adam"), _AFTER_RACE, 1, "Adam's step"),
    Claim("Adam and AdamW\n   after about 10", 10, _leaves("AdamW"), _AFTER_RACE, 1, "AdamW's step"),
    Claim("Adagrad after 18", 18, _leaves("Adagrad"), _AFTER_RACE, 0, "Adagrad's step"),
    Claim("near $(0.6, 0.36)$", 0.6,
          _RACE.format(body=_path("AdamW", "Rosenbrock", 300, wd="0.5") + "[0][-1, 0]"), _AFTER_RACE, 0.05,
          "x where AdamW stops on Rosenbrock after 300 steps, weight decay 0.5"),
    Claim("near $(0.6, 0.36)$", 0.36,
          _RACE.format(body=_path("AdamW", "Rosenbrock", 300, wd="0.5") + "[0][-1, 1]"), _AFTER_RACE, 0.05,
          "y where AdamW stops on Rosenbrock after 300 steps, weight decay 0.5"),
    Claim("0.045 (diverges within 10 steps)", 10,
          _RACE.format(body="o.run_optimizer('SGD', o.SURFACES['Rosenbrock'].grad, "
                            "o.SURFACES['Rosenbrock'].start, 300, 0.045)[1]"), _AFTER_RACE, 1,
          "step at which SGD with lr 0.045 diverges on Rosenbrock"),
    Claim("it ends at 0.92", 0.92, "l2[0]", "lr, lam, steps = 0.01, 0.1, 1000", 0.01,
          "the large-gradient weight after 1000 steps of Adam + L2"),
    Claim("$(1-\\eta\\lambda)^{1000} \\approx 0.37$", 0.37, "dec[0]", "lr, lam, steps = 0.01, 0.1, 1000", 0.01,
          "both weights after 1000 steps of AdamW"),
    Ref("and section 2 shows what", "learning rate"),
    Ref("In the ravine of section 1", "Gradient descent"),
    Ref("(a schedule, section 10)", "schedules"),
    Ref("heavy-ball update of section 4", "Momentum"),
    Ref("the Adagrad rule of section 5", "Adagrad"),
    Ref("Implement the rule of section 6", "RMSprop"),
    Ref("the decoupled update of section 8", "AdamW"),
    Ref("one reason for schedules (section 10)", "schedules"),
]
