"""python manage.py export_scores --year 2024 --output FILE.xlsx|.csv [--period ID]"""
from .export_data import Command as ExportCommand


class Command(ExportCommand):
    help = "Xuất điểm của một kỳ đánh giá ra tệp XLSX hoặc CSV."
    kind_slug = "scores"
