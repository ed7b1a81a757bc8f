from functools import wraps

from django.contrib import messages
from django.db import DatabaseError
from django.db.models import Prefetch
from django.http import Http404, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods, require_safe

from articles.models import Article, FeaturedTrack
from articles.pages import published_article
from articles.views import ArticleDetailView
from throttling.clients import client_of

from . import services
from .forms import CommentEditForm, CommentForm, ReportForm, account_values, new_form_token
from .models import Comment
from .own_comments import own_comment_ids, remember_own_comment
from .section import confirm_posting
from .threads import page_of

REFUSAL_STATUS = {"rate_limited": 429, "closed": 403, "unavailable": 503}


def csrf_for_signed_in_users(view):
    """CSRF protection for signed-in users only.

    Anonymous readers post without a CSRF cookie so that article pages carry none and stay cacheable; their posts
    are guarded instead by the signed form token, the honeypot and the rate limits. A signed-in user's post
    could act in their name, so it gets Django's full CSRF check.

    A signed-in reader's form that carries no CSRF token at all came from the page the edge keeps for every reader,
    sent with no script to fill it (``form_values``): it is answered as a form without its token is, with the form
    again, everything kept and their own values in, and nothing posted (its token is taken out, so it cannot be).
    """
    protected = csrf_protect(view)

    @wraps(view)
    def check(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return view(request, *args, **kwargs)
        if request.method == "POST" and not request.POST.get("csrfmiddlewaretoken"):
            request.POST = _to_post_again(request)
            return view(request, *args, **kwargs)
        return protected(request, *args, **kwargs)

    return csrf_exempt(check)


def _to_post_again(request):
    data = request.POST.copy()
    data["form_token"] = ""  # invalid: the post is refused, and the form comes back with a token to post again
    for field, value in account_values(request.user).items():
        if not data.get(field, "").strip():
            data[field] = value
    return data


@never_cache
@require_safe
def form_values(request):
    """What the comment form's script (static/js/comment-form.js) fills in on a page the edge keeps for every reader,
    fetched when its reader starts on the form: a fresh form token, and for a signed-in reader their name, email and
    CSRF token. This reader's own: no cache keeps it."""
    values = {"form_token": new_form_token()}
    if request.user.is_authenticated:
        values |= account_values(request.user) | {"csrfmiddlewaretoken": get_token(request)}
    return JsonResponse(values)


@method_decorator(csrf_for_signed_in_users, name="dispatch")
class PostCommentView(ArticleDetailView):
    """POST a comment; on any problem, the article page comes back with the form as the reader filled it.

    That page's address is this view's: opened again (a reload, a bookmark, a shared link), it leads to the article,
    with the query its relative links add (``?reply_to=``, ``?picked=``, ``?comments=``).
    """

    http_method_names = ["get", "head", "post"]

    def get(self, request, *args, **kwargs):
        query = request.GET.urlencode()
        return redirect(reverse("articles:article", kwargs={"slug": kwargs["slug"]}) + (f"?{query}" if query else ""))

    def post(self, request, *args, **kwargs):
        try:  # comments are only taken on published articles
            article = published_article(request, kwargs["slug"])
        except Article.DoesNotExist:
            raise Http404("No published article here.") from None
        form = CommentForm(request.POST, article=article, user=request.user)
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                comment = services.create_comment(
                    article=article,
                    author_name=data["author_name"],
                    email=data["author_email"],
                    body=data["body"],
                    parent=data["parent"],
                    favourite_track=data["favourite_track"],
                    user=request.user,
                    client=client_of(request),
                    honeypot=data["website"],
                    form_age=form.form_age,
                    submission_token=form.submission_token,
                    notify_replies=data["notify_replies"],
                )
            except services.CommentRefused as refused:
                form.add_error(None, refused.message)
                status = REFUSAL_STATUS.get(refused.code, 400)
            else:
                remember_own_comment(request, comment)
                confirm_posting(request, comment)
                return redirect(where_shown(comment))
        self.object = article  # as the page reads it (articles/pages.py)
        context = self.get_context_data(object=self.object, comment_form=form)
        return self.render_to_response(context, status=status)


def where_shown(comment: Comment) -> str:
    """The article's page of threads that shows the comment, at the comment; at the form for one it does not show
    (held as spam)."""
    if comment.status not in (Comment.Status.APPROVED, Comment.Status.PENDING, Comment.Status.UNCONFIRMED):
        return reverse("articles:article", kwargs={"slug": comment.article.slug}, fragment="comment-form")
    try:
        page = page_of(comment)
    except DatabaseError:  # the database went down after the comment was stored: the redirect still says so
        page = 1
    query = {"comments": page} if page > 1 else None
    return reverse("articles:article", kwargs={"slug": comment.article.slug}, query=query, fragment=comment.anchor)


def own_comment(request, pk: int) -> Comment:
    """A comment this browser posted; 404 for anyone else's."""
    if pk not in own_comment_ids(request):
        raise Http404("You can only change your own comments, from the browser you posted them with.")
    tracks = Prefetch("article__featured_tracks", queryset=FeaturedTrack.objects.select_related("track"))
    return get_object_or_404(Comment.objects.select_related("article").prefetch_related(tracks), pk=pk)


def _too_late(request, comment: Comment):
    if comment.status in (Comment.Status.PENDING, Comment.Status.APPROVED):
        messages.error(request, "The time to change this comment has passed.")
    elif comment.status == Comment.Status.UNCONFIRMED:
        messages.error(request, "Confirm your email address first, with the link we sent: then it can be changed.")
    else:
        messages.error(request, "This comment was removed and can no longer be changed.")
    return redirect(comment.get_absolute_url())


def edit_comment(request, pk):
    comment = own_comment(request, pk)
    if not comment.can_still_edit():
        return _too_late(request, comment)
    form = CommentEditForm(request.POST or None, comment=comment)
    if form.is_valid():
        try:
            favourite_track = form.cleaned_data.get("favourite_track", comment.favourite_track)
            services.edit_comment(comment, body=form.cleaned_data["body"], favourite_track=favourite_track)
        except services.CommentRefused as refused:
            form.add_error(None, refused.message)
        else:
            if comment.is_public:
                messages.success(request, "Your comment is updated.")
            else:
                messages.info(request, "Your comment is updated and awaiting moderation.")
            return redirect(comment.get_absolute_url())
    status = 400 if request.method == "POST" else 200
    return render(request, "comments/edit.html", {"form": form, "comment": comment}, status=status)


def delete_comment(request, pk):
    comment = own_comment(request, pk)
    if not comment.can_still_edit():
        return _too_late(request, comment)
    if request.method == "POST":
        services.withdraw_comment(comment)
        messages.success(request, "Your comment is deleted.")
        return redirect(f"{comment.article.get_absolute_url()}#comments")
    return render(request, "comments/delete.html", {"comment": comment})


def _reporter_key(request) -> str:
    if request.user.is_authenticated:
        return f"user:{request.user.pk}"
    if not request.session.session_key:
        request.session.save()
    return f"session:{request.session.session_key}"


@require_http_methods(["GET", "POST"])
def report_comment(request, pk):
    """GET: the comment and the report form (each comment on the article page links here); POST: the report.

    Unlike the comment form, this one carries a CSRF token for everyone (the page is never cached): another site's
    page must not be able to make its visitors report comments.
    """
    comment = get_object_or_404(Comment.objects.approved().select_related("article"), pk=pk)
    form = ReportForm(request.POST or None)
    status = 400 if request.method == "POST" else 200
    if form.is_valid():
        try:
            reported = services.report_comment(
                comment,
                reporter_key=_reporter_key(request),
                reason=form.cleaned_data["reason"],
                note=form.cleaned_data["note"],
                client=client_of(request),
            )
        except services.CommentRefused as refused:
            form.add_error(None, refused.message)
            status = REFUSAL_STATUS.get(refused.code, 400)
        else:
            if reported:
                messages.success(request, "Thank you: the moderators will look at this comment.")
            else:
                messages.info(request, "You have already reported this comment.")
            return redirect(comment.get_absolute_url())
    return render(request, "comments/report.html", {"form": form, "comment": comment}, status=status)
