"""Running a submitted model in an isolated child process: isolation, limits, the warm harness."""
