"""Sub-commands of ``pvkg``: one module each, discovered by :func:`cli.main.build_parser`.

A module defines ``register(commands)``, which adds its sub-parser and sets ``handler=run``,
where ``run(args) -> int`` returns the exit status.
"""
