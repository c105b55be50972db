"""Validators for Chinese identifiers, with messages a 党办 clerk understands."""

import datetime
import re

from django.core.exceptions import ValidationError

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_REGION = re.compile(r"^[1-8]\d{5}$")


def normalise_id_number(value: str) -> str:
    return (value or "").strip().replace(" ", "").upper()


def id_check_digit(first17: str) -> str:
    """The GB 11643 check character of the first 17 digits of an ID number."""
    return _ID_CHECK[sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS)) % 11]


def id_number_error(value: str) -> str | None:
    """The reason a 18-digit 身份证号 is invalid, or None when it is valid (GB 11643 checksum)."""
    value = normalise_id_number(value)
    if not re.fullmatch(r"\d{17}[\dX]", value):
        return "身份证号应为18位，前17位为数字，最后一位为数字或X"
    if id_check_digit(value[:17]) != value[17]:
        return "身份证号校验位不正确，请核对"
    try:
        birth = datetime.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return "身份证号中的出生日期无效"
    if birth.year < 1900 or birth > datetime.date.today():
        return "身份证号中的出生日期无效"
    return None


def validate_id_number(value: str) -> None:
    error = id_number_error(value)
    if error:
        raise ValidationError(error, code="invalid_id_number")


def birth_date_from_id(value: str) -> datetime.date:
    value = normalise_id_number(value)
    return datetime.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))


def gender_from_id(value: str) -> str:
    return "M" if int(normalise_id_number(value)[16]) % 2 else "F"


def normalise_phone(value: str) -> str:
    value = re.sub(r"[\s\-]", "", value or "")
    return value[3:] if value.startswith("+86") else value


def validate_mobile(value: str) -> None:
    if not _MOBILE.match(normalise_phone(value)):
        raise ValidationError("手机号应为11位数字，以1开头", code="invalid_mobile")


def validate_region_code(value: str) -> None:
    if not _REGION.match(value or ""):
        raise ValidationError("行政区划代码应为6位数字（GB/T 2260），如 440111", code="invalid_region")


def mask_id_number(value: str) -> str:
    value = normalise_id_number(value)
    return value[:4] + "*" * 10 + value[-4:] if len(value) == 18 else ""


def mask_phone(value: str) -> str:
    value = normalise_phone(value)
    return value[:3] + "****" + value[-4:] if len(value) == 11 else ""
