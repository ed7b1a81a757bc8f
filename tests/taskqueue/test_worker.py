"""The task worker for real: `manage.py db_worker` in a process of its own, on the test database (PostgreSQL),
mailing an SMTP server the test starts. A reader's post only queues the moderators' notice; the worker sends it,
retries it when the mail server refuses, and a worker killed mid-send never leads to a second email."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.tasks import TaskResultStatus
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from articles.models import Article
from comments.models import Comment, ModeratorNotice
from reliability.mailservers import MailServer, SilentMailServer
from reliability.servers import app_environment, wait_until
from reliability.workers import TaskWorker, worker_environment
from tests.utils.discussion import POSTER, article_page, comment_form_data, post_url
from tests.utils.factories import ArticleFactory, WorkFactory
from tests.utils.images import image_upload

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgresql("the worker shares the test database")]

MODERATORS = "moderators@example.org"
NOTICE_TASK = "comments.notifications.send_moderator_notice"
REFRESH_TASK, REBUILD_TASK = "articles.indexing.store.refresh_articles", "articles.indexing.store.rebuild_index"
RENDITIONS_TASK = "articles.images.make_image_renditions"


@pytest.fixture(autouse=True)
def database_queue(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.COMMENTS_MIN_SECONDS_TO_POST = 0
    settings.COMMENTS_MODERATOR_EMAILS = [MODERATORS]


@pytest.fixture
def workers(tmp_path):
    """Start workers mailing a given server: ``workers(mail_server, TASKS_MAX_ATTEMPTS="3")``; all are killed
    afterwards."""
    database = connection.settings_dict
    app_env = app_environment(
        database_url=f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}",
        redis_url="",
        secret_key="task-worker-test-secret-0123456789-abcdefghijklmnopqrstuvwxyz",
        DATABASE_CONN_MAX_AGE="0",
        COMMENTS_MODERATOR_EMAILS=MODERATORS,
    )
    started = []

    def start(mail_server=None, **overrides) -> TaskWorker:
        env = worker_environment(app_env, mail_url=mail_server.url if mail_server else "dummymail://", **overrides)
        started.append(TaskWorker(env, log=tmp_path / "worker.log").start())
        return started[-1]

    yield start
    for worker in started:
        worker.kill()


@pytest.fixture
def mail_server():
    servers = []

    def start(server):
        servers.append(server.start())
        return server

    yield start
    for server in servers:
        server.stop()


def post_held_comment(client, article, body: str):
    """A first comment from a new reader: held for moderation."""
    data = comment_form_data(article_page(article, client)) | POSTER | {"body": body}
    return client.post(post_url(article), data)


def notice_tasks():
    return DBTaskResult.objects.filter(task_path=NOTICE_TASK).order_by("enqueued_at")


def test_a_held_comment_reaches_the_moderators_through_the_worker(client, workers, mail_server):
    server = mail_server(MailServer())
    article = ArticleFactory()

    response = post_held_comment(client, article, "A first thought on the main theme.")

    assert response.status_code == 302
    assert Comment.objects.get().status == Comment.Status.PENDING
    assert [task.status for task in notice_tasks()] == [TaskResultStatus.READY]  # queued, not sent
    assert server.messages == []

    workers(server)
    wait_until(lambda: notice_tasks().get().status == TaskResultStatus.SUCCESSFUL, what="the notice sent")
    assert server.subjects() == ["[Soundtrack Notes] 1 comment awaiting moderation"]
    assert server.messages[0].rcpt_tos == [MODERATORS]
    period = ModeratorNotice.objects.get().period_start
    assert server.headers("Message-ID") == [f"<moderator-notice.{period:%Y%m%dT%H%M}@127.0.0.1>"]
    assert notice_tasks().get().return_value == "sent"
    assert ModeratorNotice.objects.get().sent_at is not None


def test_a_post_comes_back_while_the_mail_server_hangs(client, workers, mail_server):
    server = mail_server(SilentMailServer())
    workers(server, EMAIL_TIMEOUT="600")
    article = ArticleFactory()

    first = post_held_comment(client, article, "A first thought on the main theme.")
    wait_until(lambda: server.connections, what="the worker connecting to the mail server")
    second = post_held_comment(client, article, "And a second one, on the finale.")

    # Both answered while the worker still waits for the mail server's greeting: the requests never send mail.
    assert (first.status_code, second.status_code) == (302, 302)
    assert [task.status for task in notice_tasks()] == [TaskResultStatus.RUNNING]
    assert Comment.objects.in_moderation().count() == 2


def test_a_refused_notice_is_retried_then_left_failed_for_staff_to_see(
    client, workers, mail_server, signed_in_superuser
):
    server = mail_server(MailServer(refuse=True))
    workers(server, TASKS_MAX_ATTEMPTS="3")
    article = ArticleFactory()

    post_held_comment(client, article, "A first thought on the main theme.")

    wait_until(lambda: notice_tasks().failed().count() == 3, what="three failed attempts")
    assert not notice_tasks().exclude(status=TaskResultStatus.FAILED).exists()  # no fourth attempt
    assert [task.args_kwargs["kwargs"].get("attempt", 1) for task in notice_tasks()] == [1, 2, 3]
    assert all("SMTPDataError" in task.exception_class_path for task in notice_tasks())
    assert (server.attempts, server.messages) == (3, [])
    assert not ModeratorNotice.objects.exists()  # let go: a later held comment may still send this period's
    page = client.get(reverse("admin:django_tasks_database_dbtaskresult_changelist") + "?status__exact=FAILED")
    assert page.status_code == 200
    assert page.content.decode().count("send_moderator_notice") == 3


def test_a_worker_killed_mid_send_leaves_the_task_to_another_that_does_not_send_it_again(client, workers, mail_server):
    server = mail_server(MailServer(hold=True))
    article = ArticleFactory()
    post_held_comment(client, article, "A first thought on the main theme.")

    first = workers(server)
    assert server.received.wait(timeout=60), "the worker never sent the notice"
    first.kill()  # the message arrived; the worker never heard the server accept it
    server.release()
    assert notice_tasks().get().status == TaskResultStatus.RUNNING  # and nothing recorded its end

    workers(server)
    wait_until(lambda: notice_tasks().get().status == TaskResultStatus.SUCCESSFUL, what="the notice task run again")
    task = notice_tasks().get()
    assert len(task.worker_ids) == 2  # run by both workers
    assert task.return_value == "already sent"
    assert len(server.messages) == 1


def test_the_search_index_is_refreshed_and_rebuilt_by_the_worker_not_by_the_save(workers, capsys):
    article = ArticleFactory(title="Heptapod rhapsody")  # committed: its refresh is queued
    assert Article.objects.search("heptapod").count() == 0
    Article.objects.update(search_vector=None)
    call_command("rebuild_search_index", "--queue")
    assert capsys.readouterr().out.startswith("Queued the rebuild of the search index (task ")
    queued = DBTaskResult.objects.order_by("enqueued_at")
    assert [(task.task_path, task.status) for task in queued] == [
        (REFRESH_TASK, TaskResultStatus.READY),
        (REBUILD_TASK, TaskResultStatus.READY),
    ]

    workers()
    wait_until(lambda: not queued.exclude(status=TaskResultStatus.SUCCESSFUL).exists(), what="both tasks run")
    assert [task.return_value for task in queued.all()] == [1, 1]
    assert list(Article.objects.search("heptapod")) == [article]


def test_a_covers_renditions_are_made_by_the_worker_not_by_the_save(workers, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    article = ArticleFactory.build(work=WorkFactory(), cover=image_upload(1200, 600), cover_alt="A frozen lake")
    article.save()  # committed: the renditions' task is queued

    article.refresh_from_db()
    assert article.cover_renditions == []
    assert (settings.MEDIA_ROOT / article.cover.name).exists()
    assert not (settings.MEDIA_ROOT / "articles/covers/renditions").exists()
    task = DBTaskResult.objects.get(task_path=RENDITIONS_TASK)

    # (The worker keeps its page-cache stamps in its own memory, as the test process does.)
    workers(DJANGO_MEDIA_ROOT=str(settings.MEDIA_ROOT), IMAGE_RENDITION_WIDTHS="480,960", DJANGO_CACHE_IN_MEMORY="1")
    wait_until(lambda: Article.objects.get(pk=article.pk).cover_renditions, what="the renditions made by the worker")
    article.refresh_from_db()
    assert [(r["width"], r["height"]) for r in article.cover_renditions] == [(480, 240), (960, 480)]
    assert all((settings.MEDIA_ROOT / r["name"]).exists() for r in article.cover_renditions)
    task.refresh_from_db()
    assert task.status == TaskResultStatus.SUCCESSFUL
