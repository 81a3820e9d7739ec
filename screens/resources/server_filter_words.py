"""The words `:servers` may be filtered by: `openstack server list`'s options, which Nova
applies (see `tui.backend.server_filters` for how each matches)."""

from __future__ import annotations

from tui.backend.server_filters import STATUSES
from tui.list_filters import FilterWord, boolean, by_name_or_id, one_of, project_word, regex

SERVER_FILTER_WORDS = (
    FilterWord("status", "a server status (ACTIVE, ERROR, SHUTOFF...)", check=one_of(STATUSES)),
    FilterWord("host", "a compute host (admin)"),
    project_word(),
    FilterWord("name", "a regular expression searched in the name, any case", check=regex),
    FilterWord("ip", "a part of a fixed IPv4 address", check=regex),
    FilterWord("ip6", "a part of a fixed IPv6 address", check=regex),
    FilterWord(
        "flavor", "a flavor's name or id", resolve=by_name_or_id("flavor", lambda b: b.flavors())
    ),
    FilterWord(
        "image", "an image's name or id", resolve=by_name_or_id("image", lambda b: b.images())
    ),
    FilterWord(
        "zone",
        "an availability zone (regular expression)",
        key="availability_zone",
        check=regex,
        aliases=("az", "availability_zone"),
    ),
    FilterWord(
        "user",
        "a user's name or id",
        key="user_id",
        resolve=by_name_or_id("user", lambda b: b.users()),
        aliases=("user_id",),
    ),
    FilterWord("tags", "tags the server has, all of them (a,b)"),
    FilterWord("locked", "true or false", check=boolean),
)
