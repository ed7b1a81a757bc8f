from django.urls import path

from . import feeds, views

app_name = "articles"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("articles/<slug:slug>/", views.ArticleDetailView.as_view(), name="article"),
    path("articles/<slug:slug>/playlist.<str:playlist_format>", views.article_playlist, name="article_playlist"),
    path("works/<slug:slug>/playlist.<str:playlist_format>", views.work_playlist, name="work_playlist"),
    path("composers/<slug:slug>/playlist.<str:playlist_format>", views.composer_playlist, name="composer_playlist"),
    path("tags/<slug:slug>/", views.TagView.as_view(), name="tag"),
    path("composers/<slug:slug>/", views.ComposerView.as_view(), name="composer"),
    path("works/<slug:slug>/", views.WorkView.as_view(), name="work"),
    path("authors/<slug:slug>/", views.AuthorView.as_view(), name="author"),
    path("search/", views.SearchView.as_view(), name="search"),
    path("feeds/rss/", feeds.LatestArticlesFeed(), name="feed_rss"),
    path("feeds/atom/", feeds.LatestArticlesAtomFeed(), name="feed_atom"),
    path("feeds/tags/<slug:slug>/rss/", feeds.TagFeed(), name="tag_feed_rss"),
    path("feeds/tags/<slug:slug>/atom/", feeds.TagAtomFeed(), name="tag_feed_atom"),
    path("feeds/composers/<slug:slug>/rss/", feeds.ComposerFeed(), name="composer_feed_rss"),
    path("feeds/composers/<slug:slug>/atom/", feeds.ComposerAtomFeed(), name="composer_feed_atom"),
    path("feeds/works/<slug:slug>/rss/", feeds.WorkFeed(), name="work_feed_rss"),
    path("feeds/works/<slug:slug>/atom/", feeds.WorkAtomFeed(), name="work_feed_atom"),
]
