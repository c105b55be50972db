"""What a user does with the pages' shared widgets, written once for every browser test."""

from playwright.sync_api import expect


def pick(page, field_id: str, query: str, choice: str | None = None) -> None:
    """Type `query` into the picker of the hidden field `field_id` and click the match that shows `choice`."""
    box = page.locator(f".lookup:has(#{field_id})")
    box.locator("input[type=search]").fill(query)
    box.locator(".lookup-results button", has_text=choice or query).first.click()
    expect(page.locator(f"#{field_id}")).not_to_have_value("")
