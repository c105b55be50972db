import io
import zipfile
from unittest import mock

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook
from PIL import Image

from activities.models import ActivityPhoto, Attendance

from .base import ActivityTestCase, at


class LedgerTest(ActivityTestCase):
    def setUp(self):
        self.first = self.record(self.branch_a1, when=at(2024, 1, 15), title="一月支部党员大会", place="三楼会议室")
        self.second = self.record(self.branch_a1, when=at(2024, 2, 20), code="party_day", title="二月主题党日")
        self.record(self.branch_a1, when=at(2023, 12, 20), title="上年度的会")
        Attendance.objects.filter(activity=self.first, person=self.member_person).update(status="leave", reason="出差")
        Attendance.objects.filter(activity=self.first, person=self.person_a1).update(status="present")

    def test_the_year_book_is_a_word_file_with_a_section_per_activity(self):
        self.login("secretary")
        response = self.client.get(reverse("activities:ledger", args=[self.branch_a1.pk, 2024]) + "?format=docx")
        self.assertEqual(response.status_code, 200)
        text = "\n".join(
            cell.text
            for table in Document(io.BytesIO(response.content)).tables
            for row in table.rows
            for cell in row.cells
        )
        self.assertIn("三楼会议室", text)
        self.assertIn("李永川（出差）", text)
        self.assertIn("应到 2 人，实到 1 人，请假 1 人，缺席 0 人", text)
        doc = Document(io.BytesIO(response.content))
        headings = [p.text for p in doc.paragraphs if p.style.name == "Heading 2"]
        self.assertEqual(headings, ["01月15日 支部党员大会：一月支部党员大会", "02月20日 主题党日：二月主题党日"])
        fonts = doc.styles["Normal"].element.rPr.rFonts
        self.assertEqual(fonts.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia"), "仿宋")

    def test_the_year_book_as_a_spreadsheet(self):
        self.login("secretary")
        response = self.client.get(reverse("activities:ledger", args=[self.branch_a1.pk, 2024]) + "?format=xlsx")
        sheet = load_workbook(io.BytesIO(response.content)).active
        titles = [row[3] for row in sheet.iter_rows(min_row=3, values_only=True)]
        self.assertEqual(titles, ["一月支部党员大会", "二月主题党日"])

    def test_one_meeting_record(self):
        self.login("secretary")
        response = self.client.get(reverse("activities:record", args=[self.first.pk]))
        doc = Document(io.BytesIO(response.content))
        self.assertIn("会议记录", doc.paragraphs[0].text)
        self.assertIn("一月支部党员大会", doc.tables[0].rows[0].cells[1].text)

    def test_the_page_counts_per_month(self):
        self.login("secretary")
        page = self.client.get(reverse("activities:ledger", args=[self.branch_a1.pk, 2024]))
        self.assertContains(page, "一月支部党员大会")
        self.assertNotContains(page, "上年度的会")

    def test_a_meeting_not_yet_held_is_not_on_record(self):
        """On 1 February the 20 February meeting is planned: nobody is absent from it and no grid counts it."""
        self.login("secretary")
        url = reverse("activities:ledger", args=[self.branch_a1.pk, 2024])
        with mock.patch("activities.ledger.timezone.now", return_value=at(2024, 2, 1, 9, 0)):
            doc = Document(io.BytesIO(self.client.get(url + "?format=docx").content))
            page = self.client.get(url).content.decode()
            record = Document(io.BytesIO(self.client.get(reverse("activities:record", args=[self.second.pk])).content))
        headings = [p.text for p in doc.paragraphs if p.style.name == "Heading 2"]
        self.assertEqual(headings, ["01月15日 支部党员大会：一月支部党员大会"])
        self.assertIn("共记录活动 1 次", "\n".join(p.text for p in doc.paragraphs))
        party_day = next(row for row in doc.tables[0].rows if row.cells[0].text.startswith("主题党日"))
        self.assertEqual([c.text for c in party_day.cells[1:]], ["0"] * 13)
        self.assertNotIn("缺席 2 人", "\n".join(c.text for t in doc.tables for r in t.rows for c in r.cells))
        held, planned = page.split("已安排、尚未召开")
        self.assertNotIn("二月主题党日", held)
        self.assertIn("二月主题党日", planned)
        fields = {row.cells[0].text: row.cells[1].text for row in record.tables[0].rows}
        self.assertIn("尚未召开", fields["时间"])
        self.assertNotIn("缺席人员及原因", fields)

    def test_the_printable_signin_sheet_has_a_signature_column(self):
        self.login("secretary")
        page = self.client.get(reverse("activities:signin-sheet", args=[self.first.pk]))
        self.assertContains(page, "<th>签名</th>", html=False)
        self.assertContains(page, "李永川")


def png_bytes(size=(40, 30), mode="RGB", exif=None) -> bytes:
    out = io.BytesIO()
    image = Image.new(mode, size, "red" if mode == "RGB" else 0)
    if exif:
        image.save(out, format="JPEG", exif=exif)
    else:
        image.save(out, format="PNG")
    return out.getvalue()


class PhotoTest(ActivityTestCase):
    def setUp(self):
        self.activity = self.record(self.branch_a1)
        self.url = reverse("activities:photo-upload", args=[self.activity.pk])
        self.login("secretary")

    def upload(self, content: bytes, name="a.jpg", caption="合影"):
        return self.client.post(self.url, {"image": SimpleUploadedFile(name, content), "caption": caption}, follow=True)

    def test_it_resizes_and_strips_exif(self):
        exif = Image.Exif()
        exif[0x010F] = "Camera maker"
        exif[0x0132] = "2024:05:22 14:30:00"
        self.upload(png_bytes((3200, 2400), exif=exif))
        photo = ActivityPhoto.objects.get()
        self.assertEqual((photo.width, photo.height), (1600, 1200))
        with photo.image.open("rb") as handle:
            saved = Image.open(handle)
            self.assertEqual(len(saved.getexif()), 0)
        response = self.client.get(reverse("activities:photo", args=[self.activity.pk, photo.pk]))
        self.assertEqual(response.status_code, 200)
        self.login("outsider")
        self.assertEqual(
            self.client.get(reverse("activities:photo", args=[self.activity.pk, photo.pk])).status_code, 404
        )

    def test_it_refuses_what_is_not_an_image(self):
        response = self.upload(b"%PDF-1.4 not an image", name="x.jpg")
        self.assertContains(response, "不是可识别的图片文件")
        self.assertFalse(ActivityPhoto.objects.exists())

    def test_it_refuses_a_decompression_bomb(self):
        bomb = png_bytes((20000, 20000), mode="1")
        self.assertLess(len(bomb), 200_000)
        with override_settings(PHOTO_MAX_PIXELS=50_000_000):
            response = self.upload(bomb, name="bomb.png")
        self.assertContains(response, "解压炸弹")
        self.assertFalse(ActivityPhoto.objects.exists())

    @override_settings(PHOTO_MAX_BYTES=1000)
    def test_it_refuses_a_file_over_the_limit(self):
        response = self.upload(png_bytes((400, 400)) + b"\0" * 2000, name="big.png")
        self.assertContains(response, "文件超过")
        self.assertFalse(ActivityPhoto.objects.exists())

    def test_several_photos_at_once_each_with_its_caption_or_none(self):
        files = [SimpleUploadedFile(f"{n}.png", png_bytes()) for n in ("a", "b", "c")]
        response = self.client.post(
            self.url, {"image": files, "caption": ["宣誓", "合影", ""]}, headers={"X-Upload": "1"}
        )
        self.assertEqual(response.json(), {"next": reverse("activities:detail", args=[self.activity.pk])})
        rows = list(ActivityPhoto.objects.order_by("sort_order").values_list("caption", "sort_order"))
        self.assertEqual(rows, [("宣誓", 0), ("合影", 1), ("", 2)])
        self.assertContains(self.client.get(response.json()["next"]), "已上传 3 张照片")  # shown on the next page
        bad = [SimpleUploadedFile("d.png", png_bytes()), SimpleUploadedFile("坏.jpg", b"not an image")]
        refused = self.client.post(self.url, {"image": bad, "caption": ["", ""]}, follow=True)
        self.assertContains(refused, "坏.jpg：不是可识别的图片文件")
        self.assertEqual(ActivityPhoto.objects.count(), 3)  # d.png was not saved either

    def test_a_zip_renamed_as_an_image_is_refused(self):
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as z:
            z.writestr("a.txt", "x" * 1000)
        self.assertContains(self.upload(out.getvalue(), name="p.png"), "不是可识别的图片文件")
