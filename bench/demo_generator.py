"""Demo catalogue generator benchmark: records per second, and that memory does not grow with size.

    .venv/bin/python bench/demo_generator.py [--records 200000] [--libraries 40] [--seed 2024]

Generates ``--records`` records spread evenly over ``--libraries`` synthetic libraries
(``library_codes_for_benchmark``), consuming them as a stream, the way the 1,000,000-record / 200-library
benchmark does. Needs no database. Prints the time to build the shared pool, records/s over the
whole run and the peak resident memory before and after the run.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from demo.catalogue import (
    generate_catalog,
    library_codes_for_benchmark,
    shared_work_pool,
)


def _peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--records", type=int, default=200_000)
    parser.add_argument("--libraries", type=int, default=40)
    parser.add_argument("--seed", type=int, default=2024)
    options = parser.parse_args()

    started = time.perf_counter()
    pool = shared_work_pool(options.seed)
    pool_seconds = time.perf_counter() - started
    codes = library_codes_for_benchmark(options.libraries)
    per_library, extra = divmod(options.records, options.libraries)
    rss_before = _peak_rss_mib()

    count = copies = 0
    started = time.perf_counter()
    for index, code in enumerate(codes):
        for record in generate_catalog(code, size=per_library + (index < extra), seed=options.seed):
            count += 1
            copies += len(record.copies)
    seconds = time.perf_counter() - started

    print(f"shared pool: {len(pool)} works in {pool_seconds:.2f} s")
    print(
        f"generated {count:,} records ({copies:,} copies) for {len(codes)} libraries in {seconds:.1f} s: "
        f"{count / seconds:,.0f} records/s"
    )
    print(f"peak RSS: {rss_before:.0f} MiB before the run, {_peak_rss_mib():.0f} MiB after")


if __name__ == "__main__":
    main()
