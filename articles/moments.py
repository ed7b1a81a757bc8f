"""The moments a featured track plays in its work ("0:34:10, 1:41:05"): read from what an editor types, kept as
whole seconds from the start of the work, shown the way track lists show times."""

import re

from django.core.exceptions import ValidationError

MAX_MOMENTS = 12
LONGEST = 100 * 3600 - 1  # 99:59:59: longer than any film, season finale or game's story
SEPARATORS = re.compile(r"[,;\s]+")
CLOCK = re.compile(r"(?:(\d{1,2}):)?(\d{1,2}):(\d{2})")
FORMAT_HINT = "write each as minutes:seconds (4:05) or hours:minutes:seconds (1:12:05), separated by commas"


def parse_moment(text: str) -> int:
    """Seconds from the start of the work, from "4:05" or "1:12:05"."""
    found = CLOCK.fullmatch(text)
    if not found:
        raise ValidationError(f"“{text}” is not a time: {FORMAT_HINT}.", code="invalid")
    hours, minutes, seconds = (int(part or 0) for part in found.groups())
    if seconds > 59 or (found.group(1) and minutes > 59):
        raise ValidationError(f"“{text}” is not a time: minutes and seconds go up to 59.", code="invalid")
    return hours * 3600 + minutes * 60 + seconds


def parse_moments(text: str) -> list[int]:
    """The moments an editor typed, earliest first, each once; every time that cannot be read is named."""
    words = [word for word in SEPARATORS.split(text.strip()) if word]
    moments, errors = set(), []
    for word in words:
        try:
            moments.add(parse_moment(word))
        except ValidationError as error:
            errors.append(error)
    if errors:
        raise ValidationError(errors)
    return sorted(moments)


def validate_moments(value) -> None:
    """What may be stored, however it came (a form, an import, the shell): at most MAX_MOMENTS whole seconds within
    the longest work, earliest first, each once."""
    if not isinstance(value, list) or not all(type(moment) is int for moment in value):
        raise ValidationError("Moments are a list of whole seconds.", code="invalid")
    if len(value) > MAX_MOMENTS:
        raise ValidationError(f"At most {MAX_MOMENTS} moments per track ({len(value)} given).", code="max_length")
    if any(not 0 <= moment <= LONGEST for moment in value):
        raise ValidationError(f"A moment is between 0:00 and {clock(LONGEST)}.", code="invalid")
    if value != sorted(set(value)):
        raise ValidationError("Moments are kept earliest first, each once.", code="invalid")


def clock(seconds: int) -> str:
    """A time as track lists write it: 3:25, or 1:02:03 past an hour."""
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}:{minutes:02}:{seconds:02}" if hours else f"{minutes}:{seconds:02}"
