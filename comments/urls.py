from django.urls import path

from . import confirm_views, views

app_name = "comments"

urlpatterns = [
    path("articles/<slug:slug>/comments/", views.PostCommentView.as_view(), name="post"),
    path("comments/form/", views.form_values, name="form-values"),
    path("comments/<int:pk>/edit/", views.edit_comment, name="edit"),
    path("comments/<int:pk>/delete/", views.delete_comment, name="delete"),
    path("comments/<int:pk>/report/", views.report_comment, name="report"),
    path("comments/confirm/<str:token>/", confirm_views.confirm_email, name="confirm-email"),
    path("comments/confirm/<str:token>/again/", confirm_views.send_new_link, name="confirm-email-again"),
    path("comments/<int:pk>/confirm-again/", confirm_views.send_own_link_again, name="confirm-email-own"),
]
