"""factbot's benchmarks, shipped with the package so that ``factbot bench`` needs no source checkout.

* ``benchmarks.scale`` — ``factbot bench``: archives of 1k to 1M facts, built, measured and searched.
* ``benchmarks.load`` — ``python -m benchmarks.load``: signed Slack requests at 50 concurrent against
  factbot in HTTP mode, with a reload in the middle (needs the test extra: aiohttp and the Slack
  stand-in in ``tests/``).
"""
