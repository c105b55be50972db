import pytest


@pytest.fixture(autouse=True)
def _private_cache(settings):
    """Each test gets an empty in-memory cache (the default file cache would outlive the test database)."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "tests"}}
    from django.core.cache import cache

    cache.clear()
