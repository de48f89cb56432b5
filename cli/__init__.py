"""The ``pvkg`` command: the composition root that wires ``kg``, ``loaders`` and ``server``.

Each sub-command is one module in :mod:`cli.commands`, discovered at start-up.
"""
