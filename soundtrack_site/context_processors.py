from django.conf import settings

from pagecache.slots import slot


def site(request):
    # The staff's links are a reader slot (soundtrack_site/reader_slots.py): the page itself stays the same for
    # every reader, and can be cached for all of them.
    return {"site_name": settings.SITE_NAME, "staff_links": slot("staff_links")}
