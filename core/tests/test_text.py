from core.text import natural_key, normalise, pinyin_keys, strip_pinyin_artefacts
from core.validators import id_number_error, mask_id_number, mask_phone


def test_it_normalises_traditional_to_simplified():
    assert normalise("中山市博愛醫院") == "中山市博爱医院"


def test_it_strips_pinyin_artefacts_left_by_converters():
    assert strip_pinyin_artefacts("醫(yī)院與大涌鎮(zhèn)") == "醫院與大涌鎮"
    assert normalise("緊密型醫(yī)聯(lián)體") == "紧密型医联体"


def test_it_keeps_latin_words_in_brackets():
    assert strip_pinyin_artefacts("CT(ct)室") == "CT(ct)室"


def test_it_builds_pinyin_and_initials():
    assert pinyin_keys("雷继敏") == ("leijimin", "ljm")
    assert pinyin_keys("雷繼敏") == ("leijimin", "ljm")


def test_it_validates_id_number_checksum():
    assert id_number_error("442000198001010017") is None
    assert "校验位" in id_number_error("442000198001010011")
    assert "18位" in id_number_error("4420001980")
    assert "出生日期" in id_number_error("442000198013010014")


def test_it_masks_personal_data():
    assert mask_id_number("442000198001010017") == "4420**********0017"
    assert mask_phone("13800138000") == "138****8000"


def test_names_sort_by_the_numbers_in_them():
    names = ["第三党支部", "第十一党支部", "第一党支部", "第二十党支部", "第十党支部", "第七党支部", "行政党支部"]
    assert sorted(names, key=natural_key) == [
        "第一党支部", "第三党支部", "第七党支部", "第十党支部", "第十一党支部", "第二十党支部", "行政党支部",
    ]  # fmt: skip
    assert sorted(["10病区党小组", "2病区党小组"], key=natural_key) == ["2病区党小组", "10病区党小组"]
