from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("<int:year>/", views.preview, name="preview"),
    path("<int:year>/pdf/", views.pdf, name="pdf"),
    path("<int:year>/docx/", views.docx, name="docx"),
    path("<int:year>/tong-quan/", views.dashboard, name="dashboard"),
    path("<int:year>/phat-hanh/", views.publish, name="publish"),
]
