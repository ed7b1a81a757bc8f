from django import template
from django.template.loader import render_to_string

from comments.discussion import build_discussion
from comments.models import Comment

register = template.Library()


@register.simple_tag(takes_context=True)
def comment_section(context, article):
    """The discussion under an article: threads, the favourite-tracks tally and the form."""
    request = context["request"]
    discussion = build_discussion(request, article, form=context.get("comment_form"))
    return render_to_string("comments/section.html", discussion, request=request)


@register.simple_tag
def pending_comment_count() -> int:
    return Comment.objects.in_moderation().count()
