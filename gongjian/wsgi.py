import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongjian.settings")
application = get_wsgi_application()


def _verify_keys_at_start() -> None:
    """Fail loudly at start, not with "—" for every ID number: the keys must be the ones the data was written with."""
    from django.db import connections

    from core import crypto

    try:
        crypto.verify_keys()
    finally:
        connections.close_all()


_verify_keys_at_start()
