from django.urls import path

from trellis.students import views

app_name = "students"
urlpatterns = [
    path("", views.student_list, name="list"),
    path("<int:pk>/", views.student_detail, name="detail"),
    path("<int:pk>/disclosures.csv", views.student_disclosures_export, name="disclosures_export"),
]
