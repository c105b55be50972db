"""Photos: refuse what is not an image, too large or a decompression bomb; resize and strip EXIF."""

import io
import warnings

from django.conf import settings
from django.core.files.base import ContentFile
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_SIDE = 1600


class PhotoError(Exception):
    """A refusal with a message for the uploader."""


def process_photo(upload) -> tuple[ContentFile, int, int]:
    """A JPEG (or PNG when transparent) at most MAX_SIDE pixels a side, without EXIF (location, device)."""
    name = getattr(upload, "name", "照片")
    if upload.size > settings.PHOTO_MAX_BYTES:
        raise PhotoError(f"{name}：文件超过 {settings.PHOTO_MAX_BYTES // 1024 // 1024} MB")
    Image.MAX_IMAGE_PIXELS = settings.PHOTO_MAX_PIXELS
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(upload)
            image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise PhotoError(f"{name}：图片像素过大（可能是“解压炸弹”），已拒绝")
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise PhotoError(f"{name}：不是可识别的图片文件（支持 JPG、PNG、GIF、WebP）")
    image = ImageOps.exif_transpose(image)
    image.thumbnail((MAX_SIDE, MAX_SIDE))
    out = io.BytesIO()
    if image.mode in ("RGBA", "LA", "P") and "transparency" in image.info or image.mode in ("RGBA", "LA"):
        image.save(out, format="PNG", optimize=True)
        extension = "png"
    else:
        image.convert("RGB").save(out, format="JPEG", quality=85, optimize=True)
        extension = "jpg"
    return ContentFile(out.getvalue(), name=f"photo.{extension}"), image.width, image.height


MAX_PHOTOS_PER_UPLOAD = 30


def uploaded_photos(request) -> list[tuple[ContentFile, int, int, str]]:
    """Every photo of a (multi-file) upload with its caption, processed; any refusal refuses them all, naming
    each file, so that nothing is half-saved."""
    files = request.FILES.getlist("image")
    captions = request.POST.getlist("caption")
    if not files:
        raise PhotoError("请选择要上传的照片")
    if len(files) > MAX_PHOTOS_PER_UPLOAD:
        raise PhotoError(f"一次最多上传 {MAX_PHOTOS_PER_UPLOAD} 张照片（本次 {len(files)} 张）")
    done, problems = [], []
    for index, upload in enumerate(files):
        caption = (captions[index] if index < len(captions) else "").strip()[:200]
        try:
            done.append((*process_photo(upload), caption))
        except PhotoError as error:
            problems.append(str(error))
    if problems:
        raise PhotoError("；".join(problems) + "。没有保存任何照片，请去掉这些文件后重新上传")
    return done
