"""Wrong neighbours: the plausible wrong statements next to a theorem, and the checks that reject them.

Proof by experiment is worth as much as the experiment's power to tell the theorem from its nearest wrong statement.
So every result module declares, beside its ``checks``, a tuple ``NEIGHBOURS`` of :class:`Neighbour`: the errors a
reader, a slide or a paper makes (an off-by-one in a constant, a dropped term, a wrong exponent, a lost conjugate,
the relative form where only the additive one holds). A neighbour is the list of checks that would hold *if it were
the theorem*, built from the same measurements; it is **rejected** when at least one of them fails.

Two kinds matter most:

* a neighbour that changes what is predicted (a constant, a factor, a closed form) reuses the true run's ``Result``
  and recomputes only the checks;
* a neighbour that changes what is computed (a conjugate lost, a transpose dropped) names its own ``experiment``,
  run with the same config and key.

A neighbour marked ``looser`` claims less than the truth (a bound 10x too generous, a wider interval). A one-sided
check against a worst-case bound accepts every looser neighbour; only a sharp or two-sided check can reject it. Each
theorem declares at least one, so that its experiment is shown to see errors in that direction too.

``mathai verify --controls`` evaluates every neighbour on the default run, the contract test on ``Config.small()``;
both must reject every one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Sequence

from theorems.core import Check


@dataclass(frozen=True)
class Neighbour:
    """A plausible wrong statement next to a theorem.

    ``name``: a short id (``"transpose-dropped"``); ``claim``: the wrong statement in one line; ``checks(result,
    config)``: the checks that would hold were it true, on the true run's ``Result`` (or on ``experiment(config,
    key)``'s when the neighbour changes what is computed); ``looser``: whether it claims less than the truth.
    """

    name: str
    claim: str
    checks: Callable[[Any, Any], Sequence[Check]]
    looser: bool = False
    experiment: Callable[[Any, Any], Any] | None = None


@dataclass(frozen=True)
class Control:
    """The verdict on one neighbour: the claims of the checks that rejected it (failed), none when it passed."""

    module: str
    name: str
    claim: str
    looser: bool
    rejected_by: tuple[str, ...]

    @property
    def rejected(self) -> bool:
        return bool(self.rejected_by)

    def as_json(self) -> dict:
        return {"module": self.module, "name": self.name, "claim": self.claim, "looser": self.looser,
                "rejected": self.rejected, "rejected_by": list(self.rejected_by)}

    @classmethod
    def from_json(cls, data: dict) -> "Control":
        return cls(data["module"], data["name"], data["claim"], data["looser"], tuple(data["rejected_by"]))


def neighbours(module) -> tuple[Neighbour, ...]:
    """The ``NEIGHBOURS`` a result module declares (none if it declares none)."""
    return tuple(getattr(module, "NEIGHBOURS", ()))


def control(module, neighbour: Neighbour, result, config, key) -> Control:
    """Evaluate ``neighbour`` of ``module``: its checks on ``result`` (or on its own experiment's), and which fail."""
    if neighbour.experiment is not None:
        result = neighbour.experiment(config, key)
    failing = tuple(check.claim for check in neighbour.checks(result, config) if not check.holds)
    return Control(module.__name__, neighbour.name, neighbour.claim, neighbour.looser, failing)


def controls(module, result, config, key) -> tuple[Control, ...]:
    """Every neighbour of ``module``, evaluated on the true run ``result`` at ``config`` (``key``: the run's key,
    for the neighbours that rerun the experiment)."""
    return tuple(control(module, n, result, config, key) for n in neighbours(module))


def scaled(check: Check, factor: float) -> Check:
    """``check`` with its bound multiplied by ``factor`` (both ends of an interval): what a neighbour whose constant
    is ``factor`` times the true one predicts of the same measurement."""
    bound = tuple(b * factor for b in check.bound) if isinstance(check.bound, tuple) else check.bound * factor
    return Check(check.theorem, check.kind, f"{check.claim} [bound x{factor:g}]", check.relation,
                 measured=check.measured, bound=bound)
