"""The menu, grouped as a 党办 thinks of the work, with only the pages the signed-in role may open.

Each item names the lowest role its page lets in (the same as the view's own check); the navigation test signs in
as every role and opens every item shown, so a shown link never answers 403.
"""

from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse

from .access import Role, highest_role


@dataclass(frozen=True)
class Item:
    label: str
    url_name: str
    min_role: int = Role.MEMBER


MENU: list[tuple[str, list[Item]]] = [
    ("组织", [
        Item("组织树", "orgs:tree", Role.SECRETARY),
        Item("党组织", "orgs:list", Role.SECRETARY),
        Item("单位", "orgs:institutions", Role.SECRETARY),
        Item("规则提示", "orgs:warnings", Role.SECRETARY),
    ]),
    ("党员", [
        Item("人员", "people:list", Role.SECRETARY),
        Item("组织关系转接", "transfers:list", Role.SECRETARY),
        Item("发展党员", "development:list", Role.SECRETARY),
        Item("党费", "dues:index", Role.SECRETARY),
        Item("批量导入", "imports:start", Role.SECRETARY),
    ]),
    ("组织生活", [
        Item("活动", "activities:list", Role.SECRETARY),
        Item("开展情况", "activities:compliance", Role.SECRETARY),
        Item("待办", "activities:todo", Role.SECRETARY),
        Item("我的活动", "activities:mine", Role.MEMBER),
    ]),
    ("共建", [
        Item("联学共建", "pairings:list", Role.PARTNER),
        Item("共建网络", "pairings:network", Role.SECRETARY),
        Item("医联体", "alliances:list", Role.SECRETARY),
        Item("转诊", "alliances:referrals", Role.SECRETARY),
    ]),
    ("宣传", [
        Item("党建动态", "news:list", Role.SECRETARY),
        Item("导入网页", "news:import", Role.UNIT_ADMIN),
        Item("栏目", "news:columns", Role.UNIT_ADMIN),
    ]),
    ("考核", [
        Item("荣誉", "honours:list", Role.MEMBER),
        Item("评选推荐", "honours:batches", Role.SECRETARY),
        Item("光荣在党50年", "honours:golden", Role.SECRETARY),
        Item("星级评定", "honours:schemes", Role.SECRETARY),
        Item("两个覆盖", "coverage:list", Role.UNIT_ADMIN),
    ]),
    ("统计", [
        Item("数据看板", "dashboards:dashboard", Role.SECRETARY),
    ]),
    ("系统", [
        Item("账号", "accounts:grants", Role.UNIT_ADMIN),
        Item("我的导出", "core:exports", Role.PARTNER),
        Item("修改密码", "accounts:password", Role.PARTNER),
    ]),
]  # fmt: skip


def menu_for(user) -> list[tuple[str, list[tuple[str, str]]]]:
    """(group, [(label, url)]) for the groups with at least one page the user may open."""
    if not user.is_authenticated:
        return []
    return _menu_of(
        10**6 if user.is_superuser else highest_role(user), get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF
    )


@cache
def _menu_of(top: int, script_prefix: str, urlconf) -> list[tuple[str, list[tuple[str, str]]]]:
    """Reversing twenty-five names cost a millisecond on every page; the menu depends only on these three."""
    groups = []
    for group, items in MENU:
        shown = [(item.label, reverse(item.url_name)) for item in items if top >= item.min_role]
        if shown:
            groups.append((group, shown))
    return groups


# Pages that are not menu items sit under the item whose list leads to them (first matching prefix wins).
PARENTS: list[tuple[str, str]] = [
    ("orgs:institution", "orgs:institutions"), ("orgs:warnings", "orgs:warnings"), ("orgs:tree", "orgs:tree"),
    ("orgs:", "orgs:list"), ("people:", "people:list"), ("transfers:", "transfers:list"), ("dues:", "dues:index"), ("development:", "development:list"), ("imports:", "imports:start"),
    ("activities:compliance", "activities:compliance"), ("activities:todo", "activities:todo"),
    ("activities:mine", "activities:mine"), ("activities:checkin", "activities:mine"),
    ("activities:", "activities:list"), ("pairings:network", "pairings:network"), ("pairings:", "pairings:list"),
    ("alliances:referral", "alliances:referrals"), ("alliances:", "alliances:list"), ("news:import", "news:import"),
    ("news:column", "news:columns"), ("news:site-settings", "news:columns"), ("news:", "news:list"), ("honours:golden", "honours:golden"),
    ("honours:batch", "honours:batches"), ("honours:nomination", "honours:batches"),
    ("honours:scheme", "honours:schemes"), ("honours:results", "honours:schemes"),
    ("honours:assessment", "honours:schemes"), ("honours:", "honours:list"), ("coverage:", "coverage:list"),
    ("dashboards:", "dashboards:dashboard"), ("accounts:password", "accounts:password"),
    ("accounts:", "accounts:grants"), ("core:export", "core:exports"),
]  # fmt: skip
ITEMS = {item.url_name: (group, item) for group, items in MENU for item in items}


def breadcrumb_for(request) -> list[tuple[str, str | None]]:
    """首页 › group › list page, for the page being shown (its own title comes last, from the template).
    The list page is a link only where the user may open it."""
    match = getattr(request, "resolver_match", None)
    if match is None or not request.user.is_authenticated or match.view_name == "core:home":
        return []
    crumbs: list[tuple[str, str | None]] = [("工作台", reverse("core:home"))]
    if match.view_name.startswith("workbench:"):
        return [*crumbs, ("消息", reverse("workbench:notices"))]
    parent = next((name for prefix, name in PARENTS if match.view_name.startswith(prefix)), None)
    if parent is None:
        return crumbs
    group, item = ITEMS[parent]
    top = 10**6 if request.user.is_superuser else highest_role(request.user)
    crumbs.append((group, None))
    crumbs.append((item.label, reverse(item.url_name) if top >= item.min_role else None))
    return crumbs
