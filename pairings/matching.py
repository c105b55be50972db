"""Suggested matches between a pairing's needs and the other sides' resources, and the needs nobody serves.

A resource scores for a need when their normalised titles share character bigrams, more under the same heading (Chinese titles have no spaces: 精神心理专科技术支持 and 精神心理科专家支持 share 精神, 神心 …).
"""

from .models import ListStatus, Need, Resource


def bigrams(text: str) -> set[str]:
    return {text[i : i + 2] for i in range(len(text) - 1)} or {text}


def score(need: Need, resource: Resource) -> float:
    shared = bigrams(need.title_norm) & bigrams(resource.title_norm)
    if not shared:
        return 0.0  # a heading in common alone is no match
    overlap = len(shared) / max(len(bigrams(need.title_norm)), 1)
    same_heading = 0.5 if need.heading_id and need.heading_id == resource.heading_id else 0.0
    return round(overlap + same_heading, 2)


def suggestions(needs: list[Need], resources: list[Resource], limit: int = 3):
    """For each open need (a served need has its project): the best resources other sides offer (score > 0)."""
    result = []
    for need in (n for n in needs if n.status == ListStatus.OPEN):
        ranked = sorted(
            ((r, score(need, r)) for r in resources if r.member_id != need.member_id),
            key=lambda pair: -pair[1],
        )
        result.append((need, [(r, s) for r, s in ranked if s > 0][:limit]))
    return result
