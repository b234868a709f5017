"""The chaos and abuse suite: real interviews over HTTP while processes are killed and restarted.

`make chaos` (python -m bench.chaos) runs every drill on its own embedded stack and writes
bench/results/chaos.json; tests/integration/test_chaos_bounded.py runs a short subset in `make test`.
"""
