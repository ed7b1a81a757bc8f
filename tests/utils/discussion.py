"""The comment section of an article page, read as a reader sees it."""

from django.conf import settings
from django.test import Client
from django.urls import reverse

from articles.models import Article
from comments.models import Comment
from comments.own_comments import own_comments_cookie
from tests.utils.clock import ago
from tests.utils.factories import CommentFactory
from tests.utils.html import Document, Node, get_page

TRACKS = ["Heptapod B", "First Encounter", "On the Nature of Daylight"]
POSTER = {
    "author_name": "Mara Lindqvist",
    "author_email": "mara@example.com",
    "body": "The *cello* in act two!",
}


def remember_as_own(client: Client, *comments: Comment) -> None:
    """The browser notes these comments as posted from it, as posting them would."""
    client.cookies[settings.COMMENTS_OWN_COOKIE_NAME] = own_comments_cookie([comment.pk for comment in comments])


def article_page(article: Article, client: Client | None = None) -> Document:
    """The article's page, as a new browser (or ``client``) gets it."""
    return get_page(client or Client(), article.get_absolute_url())


def post_url(article: Article) -> str:
    return reverse("comments:post", kwargs={"slug": article.slug})


def elements(node: Node, tag: str) -> list[Node]:
    """The element children of a node (not deeper descendants)."""
    return [child for child in node.children if isinstance(child, Node) and child.tag == tag]


def card(item: Node) -> Node:
    (article,) = elements(item, "article")
    return article


CARD_FURNITURE = {"b", "a", "span", "form"}  # the name, the links, "(edited)", the "send the link again" button
CARD_NOTES = {"comment-status", "comment-pick"}


def comment_body(item: Node) -> Node:
    """The comment's text on its card: the blocks between its name and date and its links (no wrapper, as the card
    is sent hundreds of times a page), gathered under a node of their own."""
    body = Node("body", [])
    body.children = [
        child
        for child in card(item).children
        if isinstance(child, Node) and child.tag not in CARD_FURNITURE and child.attrs.get("class") not in CARD_NOTES
    ]
    return body


def tree(ol: Node) -> list[tuple[str, list]]:
    """Comment bodies as (body, replies) pairs, read from how the lists nest."""
    result = []
    for item in elements(ol, "li"):
        replies = elements(item, "ol")
        result.append((comment_body(item).text, tree(replies[0]) if replies else []))
    return result


def discussion(page: Node) -> list[tuple[str, list]]:
    lists = page.find_all("ol", class_="comment-list")
    return tree(lists[0]) if lists else []


def bodies(page: Node) -> list[str]:
    return [comment_body(item).text for item in comment_items(page.find("section", id="comments"))]


def heading(page: Node) -> str:
    return page.find("h2", id="comments-heading").text


def comment_items(page: Node) -> list[Node]:
    """Every comment's item on the page, replies included: the list items whose id is comment-<pk>."""
    return [item for item in page.find_all("li") if (item.attrs.get("id") or "").startswith("comment-")]


def comment_item(page: Node, comment: Comment) -> Node:
    return page.find("li", id=f"comment-{comment.pk}")


def author(item: Node) -> Node:
    """The name a comment's card shows for its writer."""
    (name,) = elements(card(item), "b")
    return name


def permalink(item: Node) -> Node:
    (link,) = [a for a in elements(card(item), "a") if a.attrs["href"].startswith("#")]
    return link


def reply_links(item: Node) -> list[Node]:
    return [link for link in elements(card(item), "a") if "reply_to=" in link.attrs["href"]]


def report_links(item: Node) -> list[Node]:
    return [link for link in elements(card(item), "a") if link.attrs["href"].endswith("/report/")]


def accessible_name(page: Node, element: Node) -> str:
    """What a screen reader announces for an element: the texts its ``aria-labelledby`` points to, else its own."""
    labels = element.attrs.get("aria-labelledby")
    if not labels:
        return element.text
    return " ".join(page.find(id=label).text for label in labels.split())


def comment_form(page: Node) -> Node:
    return page.find("section", id="comment-form").find("form")


def field_value(form: Node, name: str) -> str:
    """What a control of the form holds, as the browser would send it."""
    (control,) = [node for node in form.descendants() if node.attrs.get("name") == name]
    if control.tag == "textarea":
        return "".join(control.strings()).removeprefix("\n")  # browsers drop the newline after <textarea>
    if control.tag == "select":
        selected = [option for option in control.find_all("option") if "selected" in option.attrs]
        return selected[0].attrs["value"] if selected else control.find_all("option")[0].attrs["value"]
    return control.attrs.get("value") or ""


def messages_on(page: Node) -> list[str]:
    return [item.text for item in page.find_all("li", class_="message")]


def comment_form_data(page: Node) -> dict[str, str]:
    """Everything the comment form on a page would post if the reader changed nothing."""
    form = comment_form(page)
    names = [node.attrs["name"] for node in form.descendants() if node.tag in {"input", "textarea", "select"}]
    return {name: field_value(form, name) for name in names}


def form_alert(page: Node) -> str:
    return comment_form(page).find("div", class_="form-errors").text


def post_comment(client, clock, article: Article, *, page: str = "", follow: bool = False, **fields):
    """Open the article page (with ``page`` as its query string), fill in the form, wait a little, post it."""
    data = comment_form_data(get_page(client, article.get_absolute_url() + page)) | POSTER | fields
    clock.shift(5)  # a person takes a few seconds to write; only robots post at once
    return client.post(post_url(article), data, follow=follow)


def known_commenter(article: Article, email: str = POSTER["author_email"]) -> Comment:
    """An earlier approved comment, so that the next one from this email is published at once."""
    return CommentFactory(article=article, author_email=email, body="An earlier word.", created_at=ago(days=2))
