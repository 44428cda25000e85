"""The Django-free scoring core: formats, architectures, inference, predictions checks, metrics, Ladder.

Nothing here imports Django, so the sandboxed child and the benchmarks can use it alone.
"""
