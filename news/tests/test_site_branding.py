"""A unit's public site carries the look its 党办 sets (name, banner, colour, footer with 备案号), a lead story
with its cover, columns with covers and dates, and the event date beside the publish date where they differ."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from PIL import Image

from activities.tests.base import at
from news.models import Article, SiteProfile, Status

from .test_news_views import NewsTestCase


def jpeg(name="banner.jpg", size=(1600, 300)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, "darkred").save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


SETTINGS = {"site_name": "甲市博爱医院党建网", "color": "#1a5fb4", "address": "甲市东区博爱路1号", "phone": "0760-88888888",
            "icp_number": "粤ICP备00000001号", "police_number": ""}  # fmt: skip


@override_settings(MEDIA_ROOT="/tmp/gongjian-test-media")
class SiteBrandingTest(NewsTestCase):
    def published(self, title, **extra):
        self.write(title=title, **extra)
        article = Article.objects.get(title=title)
        self.publish(article)
        return article

    def test_the_unit_admin_sets_the_look_and_every_public_page_shows_it(self):
        article = self.published("博爱医院召开党建工作会")
        self.client.logout()
        before = self.client.get(reverse("news:site-article", args=[self.org_a.pk, article.pk]))  # now cached
        self.assertNotContains(before, "甲市博爱医院党建网")

        self.login("unit_admin")
        url = reverse("news:site-settings", args=[self.org_a.pk])
        response = self.client.post(url, {**SETTINGS, "banner_upload": jpeg()})
        self.assertRedirects(response, url)
        profile = SiteProfile.objects.get(org=self.org_a)
        self.assertTrue(profile.banner)
        self.client.logout()
        for page in (reverse("news:site-home", args=[self.org_a.pk]),
                     reverse("news:site-column", args=[self.org_a.pk, self.column.pk]),
                     reverse("news:site-article", args=[self.org_a.pk, article.pk]),
                     reverse("news:site-search", args=[self.org_a.pk]) + "?q=党建"):  # fmt: skip
            response = self.client.get(page)
            self.assertContains(response, "甲市博爱医院党建网", msg_prefix=page)
            self.assertContains(response, "--site:#1a5fb4")
            self.assertContains(response, "粤ICP备00000001号")
            self.assertContains(response, "甲市东区博爱路1号")
            self.assertContains(response, reverse("news:site-banner", args=[self.org_a.pk]))
            self.assertContains(response, reverse("news:site-column", args=[self.org_a.pk, self.column.pk]))  # menu
        banner = self.client.get(reverse("news:site-banner", args=[self.org_a.pk]))
        self.assertEqual((banner.status_code, banner["Content-Type"]), (200, "image/jpeg"))

    def test_only_the_units_own_admins_may_set_it_and_bad_input_saves_nothing(self):
        url = reverse("news:site-settings", args=[self.org_a.pk])
        self.login("secretary")
        self.assertEqual(self.client.get(url).status_code, 404)  # the hospital's committee is above the branch
        self.login("outsider")
        self.assertEqual(self.client.post(url, SETTINGS).status_code, 404)
        self.login("unit_admin")
        broken = SimpleUploadedFile("banner.jpg", b"not an image", content_type="image/jpeg")
        response = self.client.post(url, {**SETTINGS, "banner_upload": broken})
        self.assertContains(response, "不是可识别的图片文件")
        response = self.client.post(url, {**SETTINGS, "color": "red;}{x"})
        self.assertContains(response, "#RRGGBB")  # the colour goes into the site's CSS: only #RRGGBB is taken
        self.assertFalse(SiteProfile.objects.exists())

    def test_home_leads_with_the_newest_story_with_a_cover_and_lists_show_covers(self):
        self.published("没有照片的一篇")
        with_photo = self.published("有照片的一篇")
        self.login("unit_admin")
        self.client.post(reverse("news:photo-add", args=[with_photo.pk]), {"image": jpeg("p.jpg", (800, 600)),
                                                                           "caption": "合影", "is_cover": "1"})  # fmt: skip
        photo = with_photo.photos.get()
        self.client.logout()
        home = self.client.get(reverse("news:site-home", args=[self.org_a.pk])).content.decode()
        lead = home[home.index('class="lead-story"') : home.index("column-blocks")]
        self.assertIn("有照片的一篇", lead)
        self.assertIn(reverse("news:photo", args=[photo.pk]), lead)
        column = self.client.get(reverse("news:site-column", args=[self.org_a.pk, self.column.pk]))
        self.assertContains(column, reverse("news:photo", args=[photo.pk]))
        self.assertContains(column, "没有照片的一篇")

    def test_the_event_date_is_shown_where_it_differs_from_the_publish_date(self):
        activity = self.record(self.branch_a1, "party_day", when=at(2024, 5, 22), title="五月主题党日")
        self.login("secretary")
        self.client.post(reverse("news:from-activity", args=[activity.pk]), {"column": self.column.pk})
        article = Article.objects.get(activity=activity)
        self.publish(article)
        self.client.logout()
        page = self.client.get(reverse("news:site-article", args=[self.org_a.pk, article.pk]))
        self.assertContains(page, "活动日期：2024-05-22")
        self.assertContains(page, 'class="qr no-phone"')  # the phone reader is already on a phone

    def test_a_renamed_column_shows_in_every_public_page_menu_at_once(self):
        article = self.published("博爱医院开展义诊")
        self.client.logout()
        pages = (reverse("news:site-home", args=[self.org_a.pk]),
                 reverse("news:site-column", args=[self.org_a.pk, self.column.pk]),
                 reverse("news:site-article", args=[self.org_a.pk, article.pk]))  # fmt: skip
        for page in pages:  # each page and the site's look are now cached
            self.assertNotContains(self.client.get(page), "医院新闻速递")
        self.login("unit_admin")
        response = self.client.post(
            reverse("news:column-edit", args=[self.column.pk]),
            {"name": "医院新闻速递", "parent_name": "", "sort_order": 1, "is_active": "on"},
        )
        self.assertRedirects(response, reverse("news:columns"))
        self.client.logout()
        for page in pages:
            self.assertContains(self.client.get(page), "医院新闻速递", msg_prefix=page)

    def test_a_column_page_is_found_only_on_its_own_units_site_and_only_while_active(self):
        self.published("博爱医院开展主题党日")
        page = reverse("news:site-column", args=[self.org_a.pk, self.column.pk])
        self.client.logout()
        self.assertEqual(self.client.get(page).status_code, 200)  # the site's menu is now cached
        self.assertEqual(self.client.get(reverse("news:site-column", args=[self.org_a.pk, self.column_b.pk])).status_code, 404)
        self.assertEqual(self.client.get(reverse("news:site-column", args=[self.org_b.pk, self.column_b.pk])).status_code, 200)
        self.login("unit_admin")
        response = self.client.post(reverse("news:column-edit", args=[self.column.pk]),
                                    {"name": self.column.name, "parent_name": "", "sort_order": 1})  # fmt: skip
        self.assertRedirects(response, reverse("news:columns"))
        self.client.logout()
        self.assertEqual(self.client.get(page).status_code, 404)  # switched off: gone from the site at once

    def test_the_cached_home_page_and_column_list_follow_each_publication_and_withdrawal(self):
        pages = (reverse("news:site-home", args=[self.org_a.pk]),
                 reverse("news:site-column", args=[self.org_a.pk, self.column.pk]))  # fmt: skip
        first = self.published("博爱医院开展义诊")
        self.client.logout()
        for page in pages:  # now cached
            self.assertContains(self.client.get(page), "博爱医院开展义诊")
        second = self.published("博爱医院召开支部书记述职会")
        self.login("unit_admin")
        self.client.post(reverse("news:step", args=[first.pk]), {"to": Status.WITHDRAWN, "reason": "信息有误"})
        self.assertEqual(Article.objects.get(pk=first.pk).status, Status.WITHDRAWN)
        self.client.logout()
        for page in pages:
            response = self.client.get(page)
            self.assertContains(response, second.title, msg_prefix=page)
            self.assertNotContains(response, first.title, msg_prefix=page)
