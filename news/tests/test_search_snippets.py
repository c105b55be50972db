"""What a hit shows: its title and a window of its text with the query's words marked, found in 繁體 and
full-width forms as in simplified ones, and every other character escaped."""

from django.test import SimpleTestCase

from news.search import SNIPPET_CHARS, _window, highlight, query_words


class HighlightTest(SimpleTestCase):
    def test_each_occurrence_of_each_word_is_marked_and_the_rest_escaped(self):
        html = highlight("<b>医院</b>党员到医院服务", ["医院", "党员"])
        self.assertEqual(html, "&lt;b&gt;<mark>医院</mark>&lt;/b&gt;<mark>党员</mark>到<mark>医院</mark>服务")

    def test_words_that_touch_or_overlap_make_one_mark(self):
        self.assertEqual(highlight("主题党日活动", ["主题", "党日"]), "<mark>主题党日</mark>活动")
        self.assertEqual(highlight("志愿服务队", ["志愿服务", "服务队"]), "<mark>志愿服务队</mark>")

    def test_traditional_and_full_width_forms_are_marked_as_written(self):
        self.assertEqual(highlight("醫院的黨員和ＡＢ", query_words("医院 党员 ab")),
                         "<mark>醫院</mark>的<mark>黨員</mark>和<mark>ＡＢ</mark>")  # fmt: skip

    def test_a_text_without_the_words_is_only_escaped(self):
        self.assertEqual(highlight("a < b & c", ["医院"]), "a &lt; b &amp; c")


class WindowTest(SimpleTestCase):
    def test_the_window_starts_shortly_before_the_first_match(self):
        text = "前" * 300 + "医院" + "后" * 300
        snippet = _window(text, ["医院"])
        self.assertTrue(snippet.startswith("…" + "前" * 30 + "医院"))
        self.assertEqual(len(snippet), SNIPPET_CHARS + 2)  # the window and an ellipsis at each end

    def test_an_earlier_traditional_form_counts_before_a_later_simplified_one(self):
        text = "前" * 100 + "醫院" + "中" * 300 + "医院" + "后" * 100
        self.assertTrue(_window(text, ["医院"]).startswith("…" + "前" * 30 + "醫院"))

    def test_a_text_without_the_words_shows_its_beginning(self):
        self.assertEqual(_window("短文", ["医院"]), "短文")
        self.assertEqual(_window("长" * 200, ["医院"]), "长" * SNIPPET_CHARS + "…")
