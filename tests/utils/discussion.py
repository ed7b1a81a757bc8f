"""The comment section of an article page, read as a reader sees it."""

from django.test import Client
from django.urls import reverse

from articles.models import Article
from comments.models import Comment
from tests.utils.html import Document, Node, get_page


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


def tree(ol: Node) -> list[tuple[str, list]]:
    """Comment bodies as (body, replies) pairs, read from how the lists nest."""
    result = []
    for item in elements(ol, "li"):
        replies = elements(item, "ol")
        assert all("comment-replies" in reply.attrs["class"].split() for reply in replies)
        result.append((card(item).find("div", class_="comment-body").text, tree(replies[0]) if replies else []))
    return result


def discussion(page: Node) -> list[tuple[str, list]]:
    lists = page.find_all("ol", class_="comment-list")
    return tree(lists[0]) if lists else []


def bodies(page: Node) -> list[str]:
    return [body.text for body in page.find("section", id="comments").find_all("div", class_="comment-body")]


def heading(page: Node) -> str:
    return page.find("h2", id="comments-heading").text


def comment_item(page: Node, comment: Comment) -> Node:
    return page.find("li", id=f"comment-{comment.pk}")


def reply_links(item: Node) -> list[Node]:
    return card(item).find_all("a", class_="comment-reply")


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
