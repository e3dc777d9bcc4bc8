r"""The wrong neighbours of ``sander2024`` in SymPy: plausible wrong closed forms next to the theorem's.

Each is a slip that a reader, a slide or a paper makes. The numeric modules of :mod:`numerics.in_context` declare
them as ``NEIGHBOURS`` (:mod:`numerics.neighbours`) and show that their checks, on the same measurements, reject
every one. No ``THEOREM`` here.

**One gradient step** (:mod:`theorems.in_context.autoregression`): per law a pair (loss $\mathcal L(\eta)$,
relative estimation error $\mathcal E(\eta)$), as the theorem's
:data:`theorems.in_context.autoregression.one_step_forms`.

* :data:`context_off_by_one` — $T + 1$ pairs counted in $G$ (the tokens $s_0, \dots, s_T$ are $T + 1$):
  $\eta^\star = 1/(T+d)$, $\mathcal L(\eta^\star) = d(d-1)/(T+d)$, $\mathcal E(\eta^\star) = (d-1)/(T+d)$. At
  $d = 10$, $T = 20$ this step is $3.4\%$ from the theorem's, inside the trained layer's step tolerance of $9.5\%$
  (the loss is flat at its minimum): the trained step cannot tell them apart; the Monte Carlo of
  $\mathcal L'(\eta^\star)$ and of $\mathcal L(\eta^\star)$ does.
* :data:`rotation_as_complex` — the rotation-block law given the complex law's closed forms (the real law read as
  the complex one in real coordinates): $\eta^\star = 1/(T+d-1)$ for rotations too, where it is $2/(T+d-1)$.
* :data:`flatter_loss` (looser) — the loss $1/$:data:`FLATTENING` $= 1/100$ as curved at its minimum as it is,
  same minimiser and minimum: a loss allowance $\rho$ then permits a $10\times$ larger step error
  $10\sqrt{\rho(d-1)/T}$, a ten times wider interval for the trained step. Only a two-sided check of the curvature
  rejects it: the Monte Carlo of the loss excess at the step error that $\rho$ allows.

**Non-augmented heads** (:mod:`theorems.in_context.positional_heads`), floors as functions of $(T, d, H)$:

* :data:`floor_one_head_short` (looser) — $(T-1)(d-H-1)^+$ for the unitary law, a lower bound one rank short:
  true, but not attained; the minimised loss lies $T-1$ above it.
* :data:`orthogonal_floor_needs_d_heads` — the unitary floor $(T-1)(d-H)^+$ for rotation blocks too, as if zero loss
  needed $H = d$ heads there; the minimiser with $d/2 \le H < d$ heads lies below it.
* :data:`previous_to_current_without_factor_two` — $p_{m,m-1}/p_{m,m} = -1$ (the recurrence
  $s_{T+1} = 2(s_{T-1}^\top s_T)s_T - s_{T-1}$ read without its factor $2$), where the minima have $-1/2$.
"""

from __future__ import annotations

import sympy as sp

from theorems.in_context import positional_heads as heads
from theorems.in_context.autoregression import T, eta, one_step_forms, optimal_step, rotation_optimal_step

ONE_STEP = one_step_forms

OPTIMAL_STEP = {"unitary": optimal_step, "rotation": rotation_optimal_step}

context_off_by_one = {law: (loss.subs(T, T + 1), estimation.subs(T, T + 1))
                      for law, (loss, estimation) in ONE_STEP.items()}
"""$T+1$ pairs in $G$: $\\eta^\\star = 1/(T+d)$, minimal loss $d(d-1)/(T+d)$ (unitary law)."""

rotation_as_complex = {"unitary": ONE_STEP["unitary"], "rotation": ONE_STEP["unitary"]}
"""The rotation-block law with the complex law's closed forms."""

FLATTENING = 100
flatter_loss = {law: (loss.subs(eta, OPTIMAL_STEP[law])
                      + (loss - loss.subs(eta, OPTIMAL_STEP[law])) / FLATTENING, estimation)
                for law, (loss, estimation) in ONE_STEP.items()}
"""Same minimiser and minimum, curvature divided by :data:`FLATTENING`: a $\\sqrt{100} = 10$ times wider step
interval for the same loss allowance (looser than the theorem)."""

floor_one_head_short = {"unitary": (heads.T - 1) * sp.Max(heads.d - heads.H - 1, 0),
                        "orthogonal": heads.floor["orthogonal"]}
"""A unitary floor one rank short, $(T-1)(d-H-1)^+$ (looser: a true lower bound that is never attained)."""

orthogonal_floor_needs_d_heads = {"unitary": heads.floor["unitary"], "orthogonal": heads.floor["unitary"]}
"""The unitary floor $(T-1)(d-H)^+$ for rotation blocks too."""

previous_to_current_without_factor_two = sp.Integer(-1)
"""$p_{m,m-1}/p_{m,m} = -1$ in place of $-1/2$."""
