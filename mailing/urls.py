from django.urls import path

from . import views

app_name = "mailing"

urlpatterns = [
    path("mail/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
