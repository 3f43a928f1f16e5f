"""Demo report records (issue 3 fills the staff-written texts of report 661/BC-SNV)."""


def load_report_demo(data: dict) -> None:
    return None
