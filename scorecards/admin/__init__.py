"""Admin for Home Affairs data entry, one module per concept."""
from . import agencies, audit, frameworks, periods, results, scores, sipas, users  # noqa: F401
from . import rounds  # noqa: F401
