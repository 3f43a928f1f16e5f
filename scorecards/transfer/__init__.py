"""Excel/CSV import and export of the system's data, by kind (agencies, criteria,
assignments, scores, SIPAS values, provinces, national results).

One pipeline for every kind: `readers` turn an upload into rows of cells, `parsing`
turns what Vietnamese users type into Decimals, a `kinds.*` module validates rows
against the database and computes the diff, `preview.Preview` holds new / changed /
unchanged rows and every error with its row and column, and `services.run_import`
applies a preview without errors in one transaction (all or nothing).
"""
