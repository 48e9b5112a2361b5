"""Discord digests posted once through the bot: each message carries a nonce Discord enforces for a few minutes
and a footer naming its digest and part, so after a post that was cut off evradar reads the channel back (since
the post was first tried) and posts only the parts it does not show yet."""

from __future__ import annotations

from datetime import UTC, datetime

import discord

from ...core.digest import Digest, Posted, Unchecked
from ...core.models import Delivered, DeliveryFailed, Destination
from .digest import digest_pages, nonce, part_of
from .failures import failure
from .render import NO_MENTIONS

HISTORY_MAX = 1000  # messages read back at most; a channel busier than that since the claim is left unchecked
CLOCK_MARGIN = 300.0  # seconds before the claim still searched: the host's clock and Discord's may differ


async def post_by_bot(client: discord.Client, channel: str, digest: Digest, posted: Posted | None) -> Delivered:
    """Post the parts of the digest the channel does not show yet; the reference is the first part's."""
    target = client.get_partial_messageable(int(channel))
    found = dict(posted.found) if posted else {}
    for n, page in enumerate(digest_pages(digest)):
        if n not in found:
            sent = await target.send(embeds=page, allowed_mentions=NO_MENTIONS, nonce=nonce(digest.key, n))
            found[n] = f"{channel}:{sent.id}"
    return Delivered(found[0])


async def find_by_bot(client: discord.Client, channel: str, digest: Digest, *, since: float) -> Posted | Unchecked:
    """The parts of the digest among the bot's messages in the channel since ``since`` (errors are raised)."""
    parts = len(digest_pages(digest))
    after = discord.utils.time_snowflake(datetime.fromtimestamp(max(since - CLOCK_MARGIN, 0.0), tz=UTC))
    target = client.get_partial_messageable(int(channel))
    me = client.user.id if client.user is not None else None
    found: dict[int, str] = {}
    read = 0
    async for message in target.history(limit=HISTORY_MAX + 1, after=discord.Object(after), oldest_first=True):
        read += 1
        if read > HISTORY_MAX:
            return Unchecked(f"channel {channel} has more than {HISTORY_MAX} messages since the post was tried")
        if message.author.id != me or not message.embeds:
            continue
        n = part_of(message.embeds[0].footer.text, digest.key)
        if n is not None:
            found.setdefault(n, f"{channel}:{message.id}")
    return Posted(found, parts)


def lookup_failure(exc: BaseException, destination: Destination) -> Unchecked | DeliveryFailed:
    """What a failed read of the channel means: wait for a rate limit, else post again (at least once)."""
    if isinstance(exc, discord.RateLimited) or (isinstance(exc, discord.HTTPException) and exc.status == 429):
        return failure(exc, destination)
    if isinstance(exc, discord.Forbidden):
        return Unchecked(
            f"Discord refused to let the bot read channel {destination.channel} ({exc.status}); give it Read "
            "Message History there so evradar can check next time"
        )
    if isinstance(exc, discord.HTTPException):
        return Unchecked(f"Discord answered {exc.status} to reading channel {destination.channel}")
    return Unchecked(f"reading channel {destination.channel} failed ({type(exc).__name__})")
