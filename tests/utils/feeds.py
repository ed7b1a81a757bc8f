"""Feeds read with an XML parser."""

import xml.etree.ElementTree as ET

DC_CREATOR = "{http://purl.org/dc/elements/1.1/}creator"


def get_xml(client, url: str, content_type: str) -> ET.Element:
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith(content_type)
    return ET.fromstring(response.content)


def rss_channel(client, url: str) -> ET.Element:
    rss = get_xml(client, url, "application/rss+xml")
    assert rss.tag == "rss" and rss.get("version") == "2.0"
    return rss.find("channel")
