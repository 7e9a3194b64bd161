from django.urls import path

from catalog.reports import views

app_name = "reports"

urlpatterns = [
    path("", views.ReportsView.as_view(), name="reports"),
    path("laporan.xlsx", views.ReportsXlsxView.as_view(), name="reports-xlsx"),
]
