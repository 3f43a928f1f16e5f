"""Reading uploaded spreadsheets safely (size, rows, columns, formulas): see readers.

Import and export themselves are django-import-export resources: scorecards.resources.
"""
