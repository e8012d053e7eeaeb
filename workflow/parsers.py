"""JSON request bodies with a depth limit, for every API view (the anonymous token request included).

Python's json module nests by recursion: a body of 1,000 opening brackets can raise RecursionError
inside the parser or later in a serializer, which DRF does not turn into a 400. No Exchange body is
more than a few levels deep, so anything deeper than MAX_DEPTH is refused before it is parsed.
"""

import codecs
import json

from django.conf import settings
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

MAX_DEPTH = 20
TOO_DEEP = "The JSON is nested too deeply (more than {depth} levels): send a flat object."
NOT_JSON = "The body is not valid JSON: {problem}"


def nesting_depth(text: str) -> int:
    """How deeply `text`'s arrays and objects nest, counting brackets outside strings (no recursion)."""
    depth = deepest = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


class DepthLimitedJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            text = codecs.getreader(encoding)(stream).read()
        except (UnicodeDecodeError, LookupError) as problem:
            raise ParseError(NOT_JSON.format(problem=problem)) from None
        limit = getattr(settings, "API_JSON_MAX_DEPTH", MAX_DEPTH)
        # Counting brackets is quick; only a body with more of them than the limit needs the scan.
        if text.count("{") + text.count("[") > limit and nesting_depth(text) > limit:
            raise ParseError(TOO_DEEP.format(depth=limit))
        try:
            return json.loads(text, parse_constant=_refuse_constant)
        except (ValueError, RecursionError) as problem:
            raise ParseError(NOT_JSON.format(problem=problem)) from None


def _refuse_constant(name: str):
    """NaN, Infinity and -Infinity are not JSON (Python's json accepts them by default)."""
    raise ValueError(f"{name} is not a number JSON allows")
