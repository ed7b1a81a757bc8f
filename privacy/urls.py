from django.urls import path

from . import views

app_name = "privacy"

urlpatterns = [
    path("privacy/", views.policy, name="policy"),
    path("privacy/request/", views.request_data, name="request"),
    path("privacy/export/<str:token>/", views.export, name="export"),
    path("privacy/erase/<str:token>/", views.erase, name="erase"),
]
