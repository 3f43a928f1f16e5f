"""python manage.py import_scores FILE --year 2024 [--period ID] [--dry-run] [--user NAME]"""
from .import_data import Command as ImportCommand


class Command(ImportCommand):
    help = "Nhập điểm của một kỳ đánh giá từ tệp XLSX/CSV."
    kind_slug = "scores"
