"""Serving stored files through the access gate."""

import logging
from mimetypes import guess_type

from django.http import FileResponse, Http404

logger = logging.getLogger(__name__)


def file_response(field_file, cache_control: str, default_type: str = "image/jpeg") -> FileResponse:
    """The stored file, or a 404 that says it is missing (a database restored without its media, a disk lost)
    instead of a server error."""
    try:
        handle = field_file.open("rb")
    except (FileNotFoundError, OSError):
        logger.error("stored file missing: %s", field_file.name)
        raise Http404("文件不存在：存储中找不到该文件（可能尚未从备份中恢复），请联系系统管理员") from None
    response = FileResponse(handle, content_type=guess_type(field_file.name)[0] or default_type)
    response["Cache-Control"] = cache_control
    return response


def stored_files(folder: str = "") -> list[str]:
    """The name of every file in the default storage (this server's disk, or the object store), sorted."""
    from django.core.files.storage import default_storage

    try:
        folders, files = default_storage.listdir(folder)
    except FileNotFoundError:  # a disk storage whose folder does not exist yet: nothing was uploaded
        return []
    prefix = f"{folder}/" if folder else ""
    names = [prefix + name for name in files]
    for sub in folders:
        names += stored_files(prefix + sub)
    return sorted(names)


def upload_done(request, next_url: str):
    """Where an upload goes next. A page that sent it by script (to show progress) gets the address as JSON and
    goes there itself, so that the messages are shown on that page rather than read by the script's request."""
    from django.http import JsonResponse
    from django.shortcuts import redirect

    if request.headers.get("X-Upload") == "1":
        return JsonResponse({"next": next_url})
    return redirect(next_url)
