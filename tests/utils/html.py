"""The suite's one HTML parser: a small DOM, so that tests ask for elements rather than for substrings of the markup.

``parse`` reads a response or a string, ``get_page`` fetches a page and reads it, ``parse_fragment`` reads a piece of
rendered HTML. Entities are decoded, as a browser would. Besides the tree, the document keeps what checks of
hostile markup look for: every comment, declaration, processing instruction and marked section, and each element's
attributes as written (a repeated attribute included).
"""

from html.parser import HTMLParser

VOID_ELEMENTS = {"area", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class Node:
    def __init__(self, tag: str, attrs: list[tuple[str, str | None]], parent: "Node | None" = None):
        self.tag, self.attrs, self.parent = tag, dict(attrs), parent
        self.attribute_list = list(attrs)  # as written: a repeated attribute is kept, where attrs keeps the last
        self.children: list[Node | str] = []

    def __repr__(self) -> str:
        return f"<{self.tag} {self.attrs}>"

    def descendants(self):
        """Every element under this one, in document order."""
        for child in self.children:
            if isinstance(child, Node):
                yield child
                yield from child.descendants()

    def matches(self, tag: str | None, attrs: dict[str, str]) -> bool:
        if tag and self.tag != tag:
            return False
        for key, value in attrs.items():
            name = key.rstrip("_").replace("_", "-")
            if name == "class":
                if value not in (self.attrs.get("class") or "").split():
                    return False
            elif self.attrs.get(name) != value:
                return False
        return True

    def find_all(self, tag: str | None = None, **attrs: str) -> list["Node"]:
        """The elements that match: ``class_="card"`` is one of the classes, ``aria_label=`` is ``aria-label``."""
        return [node for node in self.descendants() if node.matches(tag, attrs)]

    def find(self, tag: str | None = None, **attrs: str) -> "Node":
        """The one element that matches; fails the test when there are none or several."""
        found = self.find_all(tag, **attrs)
        assert len(found) == 1, f"expected one <{tag} {attrs}>, found {len(found)}"
        return found[0]

    def strings(self):
        for child in self.children:
            yield from (child,) if isinstance(child, str) else child.strings()

    @property
    def text(self) -> str:
        """The text, whitespace collapsed as a reader sees it."""
        return " ".join("".join(self.strings()).split())

    @property
    def raw_text(self) -> str:
        """The text as parsed: entities decoded, whitespace kept."""
        return "".join(self.strings())


class Document(Node):
    """The root of a parsed page or fragment, and the markup in it that is neither an element nor text."""

    def __init__(self):
        super().__init__("#document", [])
        self.comments: list[str] = []  # <!-- ... -->
        self.declarations: list[str] = []  # <!DOCTYPE ...>
        self.processing_instructions: list[str] = []  # <? ... >
        self.marked_sections: list[str] = []  # <![CDATA[ ... ]]>, <![if ...]>

    @property
    def elements(self) -> list[tuple[str, dict[str, str | None]]]:
        """Every element as (tag, attributes), in document order."""
        return [(node.tag, node.attrs) for node in self.descendants()]

    @property
    def tags(self) -> set[str]:
        return {node.tag for node in self.descendants()}

    @property
    def attributes(self) -> set[tuple[str, str]]:
        """(tag, attribute name) of every attribute written on every element."""
        return {(node.tag, name) for node in self.descendants() for name, _ in node.attribute_list}


class _TreeBuilder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = self.current = Document()

    def handle_starttag(self, tag, attrs):
        node = Node(tag, attrs, self.current)
        self.current.children.append(node)
        if tag not in VOID_ELEMENTS:
            self.current = node

    def handle_startendtag(self, tag, attrs):
        self.current.children.append(Node(tag, attrs, self.current))

    def handle_endtag(self, tag):
        node = self.current
        while node is not self.root and node.tag != tag:
            node = node.parent
        if node is not self.root:
            self.current = node.parent

    def handle_data(self, data):
        self.current.children.append(data)

    def handle_comment(self, data):
        self.root.comments.append(data)

    def handle_decl(self, decl):
        self.root.declarations.append(decl)

    def handle_pi(self, data):
        self.root.processing_instructions.append(data)

    def unknown_decl(self, data):
        self.root.marked_sections.append(data)


def parse_fragment(html: str) -> Document:
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    return builder.root


def parse(response_or_html) -> Document:
    """The document of a response (its content, decoded) or of a string of HTML."""
    if isinstance(response_or_html, str):
        return parse_fragment(response_or_html)
    return parse_fragment(response_or_html.content.decode())


def get_page(client, url: str, status: int = 200) -> Document:
    response = client.get(url)
    assert response.status_code == status
    return parse(response)
