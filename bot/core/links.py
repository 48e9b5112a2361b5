"""Links as evradar compares them: the same article under different tracking tags is one link."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

_TRACKING = re.compile(r"^(?:utm_\w+|fbclid|gclid|mc_cid|mc_eid|ref|cmpid|ncid|taid|yptr)$", re.IGNORECASE)


def normalise_link(url: str) -> str:
    """A link without tracking parameters, fragment or case differences in the host."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return url.strip()
    query = urlencode(
        [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _TRACKING.match(k)]
    )
    path = parts.path.rstrip("/") or "/"
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), path, query, ""))
