"""Reading saved pages in: one file or a zip of many -> PageImport rows to review -> confirmed records.

A zip is read in memory and never unpacked to disk. Entries are refused, each with its reason, when the name
climbs out of the archive (../, absolute paths), when one would inflate past the page limit or far beyond its
compressed size (a zip bomb), or when the archive holds too many. Nothing but PageImport rows is written until
a person confirms a page.
"""

import datetime
import logging
import uuid
import zipfile
import zlib
from io import BytesIO
from pathlib import PurePosixPath

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone

from activities.models import Activity, ActivityKind, GuestGroup, Speaker, SpeakerRole
from core import tasks
from core.locks import AlreadyRunning, is_running, job_lock
from core.text import normalise, to_simplified
from orgs.models import Institution, PartyOrg
from pairings import services as pairing_services
from pairings.models import Pairing, PairingMember
from people.models import Person

from . import services
from .extract import PageError, extract_page
from .extract.decode import MAX_PAGE_BYTES
from .models import Article, PageImport, PageImportStatus, PageUpload, PageUploadStatus, Status

logger = logging.getLogger(__name__)
LOCK = "page-upload"
STAGE_TIMEOUT = 1800

MAX_ENTRIES = 500
MAX_TOTAL_BYTES = 200 * 1024 * 1024
MAX_RATIO = 100
PAGE_SUFFIXES = {".html", ".htm", ".shtml", ".txt", ".xhtml"}
EVENT_KIND_CODES = {
    "主题党日": "party_day",
    "党课": "party_lecture",
    "组织生活会": "life_meeting",
    "党员大会": "branch_congress",
    "座谈会": "symposium",
    "联学共建": "joint_study",
    "签约仪式": "signing",
    "授牌仪式": "signing",
    "义诊": "free_clinic",
    "志愿服务": "volunteer",
    "培训": "training",
    "讲座": "training",
    "总结大会": "commendation",
    "表彰大会": "commendation",
    "荣誉表彰": "commendation",
    "理论学习": "reading",
}


def read_upload(name: str, data: bytes) -> list[tuple[str, bytes | None, str]]:
    """(file name, bytes or None, refusal reason) for each page in an upload."""
    if name.lower().endswith(".zip") or data[:4] == b"PK\x03\x04":
        return _read_zip(data)
    return [(name, data, "")]


def _read_zip(data: bytes) -> list[tuple[str, bytes | None, str]]:
    try:
        archive = zipfile.ZipFile(BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError):
        raise ValidationError("压缩包已损坏或不是 zip 文件。") from None
    entries = [e for e in archive.infolist() if not e.is_dir()]
    if not entries:
        raise ValidationError("压缩包里没有文件：请把要导入的网页（.html、.txt）放进压缩包后重新上传。")
    if len(entries) > MAX_ENTRIES:
        raise ValidationError(f"压缩包里有 {len(entries)} 个文件，一次最多 {MAX_ENTRIES} 个。")
    if sum(e.file_size for e in entries) > MAX_TOTAL_BYTES:
        raise ValidationError("压缩包解压后超过 200 MB，可能是压缩炸弹，已拒绝。")
    pages = []
    for entry in entries:
        reason = _refusal(entry)
        if reason:
            pages.append((entry.filename, None, reason))
            continue
        try:
            pages.append((entry.filename, _read_entry(archive, entry), ""))
        except ValueError as error:  # ours, in Chinese
            pages.append((entry.filename, None, f"无法解压：{error}"))
        except (zipfile.BadZipFile, OSError, RuntimeError, EOFError, zlib.error):
            pages.append((entry.filename, None, "无法解压：文件在压缩包中已损坏（校验失败），请重新打包后上传"))
    return pages


def _refusal(entry: zipfile.ZipInfo) -> str:
    path = PurePosixPath(entry.filename.replace("\\", "/"))
    if path.is_absolute() or ".." in path.parts or ":" in path.parts[0]:
        return "文件名含有 ../ 或绝对路径，已拒绝。"
    if path.suffix.lower() not in PAGE_SUFFIXES:
        return f"不是网页或文本文件（{path.suffix or '无扩展名'}），已跳过。"
    if entry.file_size > MAX_PAGE_BYTES:
        return f"文件过大（{entry.file_size / 1024 / 1024:.1f} MB），单个网页不能超过 {MAX_PAGE_BYTES // 1024 // 1024} MB。"
    if entry.compress_size and entry.file_size / entry.compress_size > MAX_RATIO:
        return "压缩比异常（可能是压缩炸弹），已拒绝。"
    return ""


def _read_entry(archive: zipfile.ZipFile, entry: zipfile.ZipInfo) -> bytes:
    """Read at most the page limit, whatever the entry's header claims."""
    with archive.open(entry) as handle:
        data = handle.read(MAX_PAGE_BYTES + 1)
    if len(data) > MAX_PAGE_BYTES:
        raise ValueError("解压后超过单页大小上限")
    return data


def accept_upload(user, org: PartyOrg, name: str, data: bytes) -> PageUpload:
    """Keep the upload and queue its reading (a zip of large pages takes a worker seconds to minutes)."""
    upload = PageUpload(org=org, batch=uuid.uuid4().hex, original_name=name[:200], created_by=user)
    upload.file.save("pages.bin", ContentFile(data), save=False)
    upload.save()
    tasks.enqueue("news.importer.run_stage", upload.pk, timeout=STAGE_TIMEOUT, group="page-imports")
    return upload


def run_stage(upload_id: int) -> None:
    """Task: read every page of an upload into its batch of PageImport rows."""
    try:
        with job_lock(LOCK, upload_id):
            claimed = PageUpload.objects.filter(pk=upload_id, status=PageUploadStatus.PROCESSING).update(
                attempts=F("attempts") + 1
            )
            if claimed:
                _stage_upload(PageUpload.objects.select_related("org", "created_by").get(pk=upload_id))
    except AlreadyRunning:
        logger.info("page upload %s is being read by another worker", upload_id)


def _stage_upload(upload: PageUpload) -> None:
    try:
        with upload.file.open("rb") as handle:
            data = handle.read()
        stage(upload.created_by, upload.org, upload.original_name, data, batch=upload.batch)
        upload.status = PageUploadStatus.DONE
    except ValidationError as error:
        upload.status, upload.error = PageUploadStatus.FAILED, "；".join(error.messages)[:300]
    except Exception:
        logger.exception("page upload %s failed", upload.pk)
        upload.status, upload.error = PageUploadStatus.FAILED, "读取时出错，没有导入任何网页，请检查文件后重新上传"
    if upload.file:
        upload.file.delete(save=False)
    upload.save()


def recover_interrupted_batches() -> int:
    """Periodic: an upload still being read whose lock nobody holds lost its worker: read it again, or give up
    after two tries."""
    recovered = 0
    for upload in PageUpload.objects.filter(status=PageUploadStatus.PROCESSING, attempts__gt=0):
        if is_running(LOCK, upload.pk):
            continue
        if upload.attempts >= 2:
            upload.status, upload.error = PageUploadStatus.FAILED, "读取该文件的服务进程两次意外中断，没有导入任何网页"
            if upload.file:
                upload.file.delete(save=False)
            upload.save()
        else:
            tasks.enqueue("news.importer.run_stage", upload.pk, timeout=STAGE_TIMEOUT, group="page-imports")
        recovered += 1
    return recovered


def stage(user, org: PartyOrg, name: str, data: bytes, batch: str | None = None) -> str:
    """Extract every page of the upload into PageImport rows (one transaction); returns the batch id."""
    batch = batch or uuid.uuid4().hex
    rows = []
    for file_name, content, reason in read_upload(name, data):
        row = PageImport(org=org, batch=batch, file_name=file_name[:200], created_by=user)
        if content is None:
            row.status, row.error = PageImportStatus.FAILED, reason
        else:
            try:
                row.extracted = extract_page(content)
            except PageError as error:
                row.status, row.error = PageImportStatus.FAILED, str(error)
        rows.append(row)
    with transaction.atomic():
        for row in rows:
            row.save()
    return batch


def event_day(item: PageImport) -> datetime.date | None:
    """The day the page reports: its first dated event, else the day it was published."""
    from .extract.dates import parse_published

    dated = [d for d in item.extracted.get("event_dates") or [] if not d.startswith("?")]
    if dated:
        return datetime.date.fromisoformat(dated[0])
    published = parse_published(item.extracted.get("published_at") or "")
    return published.date() if isinstance(published, datetime.datetime) else published


def proposals(user, item: PageImport, day: datetime.date | None = None) -> dict:
    """The extracted names matched against the registry (people: those the reviewing user may see), and the
    pairings the page may report: ones the user may link, in force on the event day, with the importing
    organisation on one side and another side named on the page."""
    data = item.extracted
    names = [normalise(n) for n in data.get("institutions", [])]
    known_units = dict(Institution.objects.filter(name_norm__in=names).values_list("name_norm", "id"))
    org_names = [normalise(n) for n in data.get("party_organisations", [])]
    known_orgs = dict(PartyOrg.objects.filter(name_norm__in=org_names).values_list("name_norm", "id"))
    people_names = [normalise(p["name"]) for p in data.get("people", [])]
    known_people = {}
    for name_norm, pk in (
        Person.objects.visible_to(user).filter(name_norm__in=people_names).values_list("name_norm", "id")[:200]
    ):
        known_people.setdefault(name_norm, pk)
    return {
        "pairings": reported_pairings(
            user, item.org, set(known_units.values()), set(known_orgs.values()), day or event_day(item)
        ),
        "institutions": [(n, known_units.get(normalise(n))) for n in data.get("institutions", [])],
        "party_organisations": [(n, known_orgs.get(normalise(n))) for n in data.get("party_organisations", [])],
        "people": [(p["name"], p["posts"], known_people.get(normalise(p["name"]))) for p in data.get("people", [])],
    }


def earlier_imports(user, item: PageImport) -> list[tuple[Article, bool]]:
    """Articles already holding this story (same headline, in either script, from this site or reposted on
    another): (article, whether the user may open it in the platform; else it is linked on its public site)."""
    from .models import story_key

    key = story_key(item.extracted.get("title", ""))
    if not key:
        return []
    found = []
    for article in Article.objects.filter(title_key=key).select_related("org")[:10]:
        mine = Article.objects.visible_to(user).filter(pk=article.pk).exists()
        if mine or article.status == Status.PUBLISHED:
            found.append((article, mine))
    return found


def reported_pairings(user, org: PartyOrg, unit_ids: set[int], org_ids: set[int], day) -> list:
    """Pairings at least two of whose sides (on the day) the page names by unit or by party organisation."""
    if len(unit_ids) + len(org_ids) < 2 or day is None:
        return []
    sides = PairingMember.objects.filter(
        Q(institution_id__in=unit_ids) | Q(org_id__in=org_ids), accepted_at__isnull=False, joined_on__lte=day
    ).filter(Q(left_on__isnull=True) | Q(left_on__gte=day))
    counts = sides.values("pairing_id").annotate(n=Count("id")).filter(n__gte=2).values_list("pairing_id", flat=True)
    candidates = (
        Pairing.objects.visible_to(user)
        .filter(pairing_services.in_force_q(day), pk__in=list(counts[:50]))
        .order_by("-starts_on", "-id")
    )
    return [p for p in candidates[:20] if not pairing_services.term_problem(p, org, day)]


def confirm(user, item: PageImport, cleaned: dict) -> Article:
    """Create the article (and the activity, if asked) from the reviewed values, all or nothing."""
    with transaction.atomic():
        item = PageImport.objects.select_for_update().get(pk=item.pk)
        if item.status != PageImportStatus.PENDING:
            raise ValidationError("这一页已经处理过了。")
        data = item.extracted
        if cleaned.get("simplified"):  # the page's own text stays in item.extracted
            cleaned = {
                **cleaned,
                **{k: to_simplified(cleaned[k] or "") for k in ("title", "body", "source", "author", "editor")},
            }
        article = Article(
            org=item.org,
            column=cleaned["column"],
            title=cleaned["title"],
            source=cleaned["source"],
            author=cleaned["author"],
            editor=cleaned["editor"],
            published_at=cleaned["published_at"],
            body_html=services.paragraphs_to_html(cleaned["body"].splitlines()),
            imported_views=data.get("views") or 0,
            original_file=item.file_name,
            created_by=user,
            pairing=cleaned.get("pairing"),
        )
        if cleaned.get("create_activity"):
            article.activity = _activity_from_page(user, item, cleaned, data)
            for day in cleaned.get("more_dates") or []:  # a page reporting several events: one record each
                _activity_from_page(user, item, {**cleaned, "event_date": datetime.date.fromisoformat(day)}, data)
        services.save_article(article)
        if cleaned.get("publish"):
            services.move(user, article.pk, Status.PUBLISHED)
        item.status, item.article = PageImportStatus.CONFIRMED, article
        item.save()
    return article


def _activity_from_page(user, item: PageImport, cleaned: dict, data: dict) -> Activity:
    from activities import compliance
    from activities import services as activity_services

    day: datetime.date = cleaned["event_date"]
    starts = timezone.make_aware(datetime.datetime.combine(day, datetime.time(9, 0)))
    activity = Activity.objects.create(
        title=cleaned["title"][:120],
        kind=cleaned["event_kind"],
        lead_org=item.org,
        starts_at=starts,
        summary=cleaned["body"].split("\n")[0][:2000],
        pairing=cleaned.get("pairing"),
    )
    activity_services.set_organisers(activity, [item.org])
    own_institution = item.org.institution.name if item.org.institution_id else ""
    found = proposals(user, item, day)
    for name, unit_id in found["institutions"]:
        if name != own_institution:
            GuestGroup.objects.create(activity=activity, institution_id=unit_id, unit_name=name[:120], count=0)
    for order, (name, posts, person_id) in enumerate(found["people"][:40]):
        Speaker.objects.create(
            activity=activity,
            person_id=person_id,
            name=name[:40],
            role=SpeakerRole.SPEECH,
            post="、".join(posts)[:200],
            sort_order=order,
        )
    compliance.refresh_branches([item.org.pk])
    if activity.pairing_id:
        pairing_services.refresh_last_joint([activity.pairing_id])
    return activity


def default_kind(event_type: str | None) -> ActivityKind | None:
    code = EVENT_KIND_CODES.get(event_type or "")
    kinds = ActivityKind.objects.filter(is_active=True)
    return (kinds.filter(code=code).first() if code else None) or kinds.filter(name=event_type or "").first()
