"""Stable pseudonyms: a keyed HMAC of the user's id.

The same user always gets the same pseudonym while PSEUDONYM_KEY is unchanged;
without the key nobody can map a pseudonym back to a person.
"""

import hashlib
import hmac

from django.conf import settings


def pseudonym_for(user_id: int | None) -> str:
    if user_id is None:
        raise ValueError("An unsaved user has no pseudonym.")
    key = settings.PSEUDONYM_KEY.encode()
    digest = hmac.new(key, f"user:{user_id}".encode(), hashlib.sha256).hexdigest()
    return f"P-{digest[:12]}"
