"""Settings of the gunicorn that bench/downloads.py starts: the project's, plus one URL that
serves a file of the same size as the published report behind the same login check (the
floor of an authenticated download). Never used outside the benchmarks."""
from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench_urls"
