"""What search engines and sharing previews read in a page's head."""

import json

from tests.utils.html import Node, get_page


def meta(page_head: Node, **attrs: str) -> str:
    """The content of the one <meta> that matches, e.g. ``meta(head, property="og:image")``."""
    return page_head.find("meta", **attrs).attrs["content"]


def json_ld(page: Node) -> dict:
    """The page's one block of JSON-LD structured data."""
    (script,) = page.find_all("script", type="application/ld+json")
    return json.loads("".join(script.strings()))


def graph_node(data: dict, schema_type: str) -> dict:
    (node,) = [node for node in data["@graph"] if node["@type"] == schema_type]
    return node


def structured_data(client, article) -> dict:
    return json_ld(get_page(client, article.get_absolute_url()))
