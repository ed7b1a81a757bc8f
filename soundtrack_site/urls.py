from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Soundtrack site administration"
admin.site.site_title = "Soundtrack site"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("articles.urls")),
    path("", include("comments.urls")),
]
