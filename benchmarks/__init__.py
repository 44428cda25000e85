"""Benchmarks: run each as a script (see benchmarks/README.md); they print ratios measured side by side."""
