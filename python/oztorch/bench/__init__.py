"""`python -m oztorch.bench`: OzTorch's backends side by side with real PyTorch.

    python -m oztorch.bench                       # every suite, every backend, all cores
    python -m oztorch.bench --quick --suite ops   # a smoke run (under a minute)

Modules: `cases` (the benchmarks, as a table), `worker` (one module in one process),
`runner` (the workers, interleaved repetitions), `report` (table, JSON, CSV, PNG),
`machine` (the header). docs/benchmarks.md explains the output and the JSON schema.
"""
