from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.sitemaps import views as sitemaps
from django.urls import include, path

from articles.sitemaps import SITEMAPS, robots_txt

from . import views

handler400 = "soundtrack_site.views.bad_request"
handler500 = "soundtrack_site.views.server_error"

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("sitemap.xml", sitemaps.index, {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap_section"}, name="sitemap"),
    path("sitemap-<section>.xml", sitemaps.sitemap, {"sitemaps": SITEMAPS}, name="sitemap_section"),
    path("robots.txt", robots_txt, name="robots_txt"),
    path("", include("articles.urls")),
    path("", include("comments.urls")),
    path("", include("mailing.urls")),
    path("", include("follows.urls")),
    path("", include("privacy.urls")),
]

if settings.BENCH_ENABLED:  # the benchmark's ceiling page (bench/)
    urlpatterns.insert(0, path("bench/", include("bench.urls")))

if settings.DEBUG:  # uploaded media; in production the web server or the object storage serves them
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
