from django.urls import path

from . import views

app_name = "articles"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("articles/<slug:slug>/", views.ArticleDetailView.as_view(), name="article"),
    path("tags/<slug:slug>/", views.TagView.as_view(), name="tag"),
    path("composers/<slug:slug>/", views.ComposerView.as_view(), name="composer"),
    path("works/<slug:slug>/", views.WorkView.as_view(), name="work"),
]
