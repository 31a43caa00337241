"""Tools around the app, not part of it: the benchmark, a class-scale plan, a live server for browser tests."""
