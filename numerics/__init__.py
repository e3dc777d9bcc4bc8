"""The experiments: one module per result, pure jitted functions ``experiment(config, key) -> Result``.

Importing this package changes no JAX setting. An experiment that measures in float64 says so itself
(:func:`numerics.precision.uses_float64`); the contract every result module follows is in :mod:`numerics.registry`.
"""
