from .publication import RenderJob, ReportPublication
from .record import ReportRecord

__all__ = ["RenderJob", "ReportPublication", "ReportRecord"]
