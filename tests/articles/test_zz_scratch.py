import re
import pytest
from tests.factories import editor, WorkFactory, TrackFactory, ArticleFactory
pytestmark = pytest.mark.django_db

def test_explore(client):
    client.force_login(editor())
    r = client.get("/admin/articles/article/add/")
    html = r.content.decode()
    open("/tmp/scratch/add.html","w").write(html)
    a = ArticleFactory(status="draft", publish_at=None)
    r = client.get(f"/admin/articles/article/{a.pk}/change/")
    open("/tmp/scratch/change.html","w").write(r.content.decode())
    r = client.get("/admin/articles/article/")
    open("/tmp/scratch/list.html","w").write(r.content.decode())
    w = WorkFactory()
    r = client.get(f"/admin/articles/work/{w.pk}/change/")
    open("/tmp/scratch/work.html","w").write(r.content.decode())
