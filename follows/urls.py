from django.urls import path

from . import views

app_name = "follows"

urlpatterns = [
    path("follow/confirm/<str:token>/", views.confirm, name="confirm"),
    path("follow/<str:kind>/<slug:slug>/", views.follow, name="follow"),
]
