"""The facts reported by the five seed pages (DOMAIN.md §3), as registry records.

Only facts go here (names, units, posts, dates); where a seed does not say a date, the post carries
the date of the report and is flagged `dates_approximate`. No text of the seeds is copied.
"""

# (key, name, ownership, kind, grade, region, parent key, short name)
INSTITUTIONS = [
    ("dg_bureau", "东莞市卫生健康局", "public", "health_bureau", "", "441900", None, ""),
    ("dg7", "东莞市第七人民医院", "public", "hospital", "", "441900", None, "七院"),
    ("guangji_co", "广东广济医疗公司", "private", "group", "", "441900", None, "广济医疗"),
    ("nanzha", "东莞市虎门南栅医院", "private", "hospital", "", "441900", "guangji_co", "南栅医院"),
    ("guangji_h", "广济医院", "private", "hospital", "", "441900", "guangji_co", ""),
    ("by_bureau", "广州市白云区卫生健康局", "public", "health_bureau", "", "440111", None, "白云区卫健局"),
    ("jk_group", "广州精康医疗集团", "private", "group", "", "440111", None, "精康集团"),
    ("jk_longgui", "广州精康医疗集团龙归院区", "private", "campus", "", "440111", "jk_group", "龙归院区"),
    ("jk_tonghe", "广州精康医疗集团同和院区", "private", "campus", "", "440111", "jk_group", "同和院区"),
    ("jk_hospital", "白云精神康复医院", "private", "hospital", "", "440111", "jk_group", "白云精康医院"),
    ("taihe", "太和镇卫生院", "public", "township_centre", "", "440111", None, ""),
    ("renhe", "人和镇卫生院", "public", "township_centre", "", "440111", None, ""),
    ("longgui_chc", "龙归街社区卫生服务中心", "public", "community_centre", "", "440111", None, ""),
    ("zs_bureau", "中山市卫生健康局", "public", "health_bureau", "", "442000", None, "市卫健局"),
    ("boai", "中山市博爱医院", "public", "hospital", "", "442000", None, "博爱医院"),
    ("dayong_h", "中山市大涌医院", "public", "hospital", "", "442000", None, "大涌医院"),
    ("dayong_gov", "中山市大涌镇人民政府", "public", "government", "", "442000", None, "大涌镇"),
    ("gangkou_gov", "中山市港口镇人民政府", "public", "government", "", "442000", None, "港口镇"),
    ("gdlg", "广东理工职业学院", "public", "school", "", "442000", None, ""),
    ("zs_sports", "中山市体育运动学校", "public", "school", "", "442000", None, "市体育运动学校"),
    ("ly_org_dept", "中共临沂市委组织部", "public", "party_organ", "", "371300", None, ""),
    ("ly_hc", "临沂市卫生健康委员会", "public", "health_bureau", "", "371300", None, "市卫健委"),
    ("mengyin", "蒙阴县人民医院", "public", "hospital", "三级乙等", "371328", None, ""),
]

# (key, name, kind, parent key, institution key, functional, established_on)
# The seeds name the 东莞 bureau's "公立+民营" action but not the committee over its hospitals, nor the party
# organisations of 龙归院区's three health-centre partners: those are added under plain names so that both
# sides of each scenario have an organisation (and a demo login).
ORGS = [
    ("dg_sector", "东莞市卫生健康行业党委", "sector_committee", None, "dg_bureau", True, None),
    ("dg7_pc", "中共东莞市第七人民医院委员会", "committee", "dg_sector", "dg7", False, None),
    ("dg7_b2", "东莞市第七人民医院第二支部", "branch", "dg7_pc", "dg7", False, None),
    ("nanzha_b", "东莞市虎门南栅医院党支部", "branch", "dg_sector", "nanzha", False, None),
    ("guangji_b", "广济医院党支部", "branch", "dg_sector", "guangji_h", False, None),
    ("by_liangxin", "白云区两新组织党工委", "working_committee", None, None, True, None),
    ("by_sector", "广州市白云区民营医疗行业党委", "sector_committee", "by_liangxin", None, True, "2020-09-01"),
    ("jk_pc", "广州精康医疗集团党委", "committee", "by_sector", "jk_group", False, None),
    ("jk_longgui_b", "广州精康医疗集团党委龙归院区党支部", "branch", "jk_pc", "jk_longgui", False, None),
    ("jk_tonghe_b", "广州精康医疗集团同和院区行管党支部", "branch", "jk_pc", "jk_tonghe", False, None),
    ("jk_hospital_pc", "白云精神康复医院党委", "committee", "by_sector", "jk_hospital", False, None),
    ("taihe_b", "太和镇卫生院党支部", "branch", "by_sector", "taihe", False, None),
    ("renhe_b", "人和镇卫生院党支部", "branch", "by_sector", "renhe", False, None),
    ("longgui_chc_b", "龙归街社区卫生服务中心党支部", "branch", "by_sector", "longgui_chc", False, None),
    ("by_bureau_pc", "广州市白云区卫生健康局机关党委", "committee", None, "by_bureau", False, None),
    ("zs_bureau_pc", "中山市卫生健康局直属机关党委", "committee", None, "zs_bureau", False, None),
    ("boai_pc", "中共中山市博爱医院委员会", "committee", "zs_bureau_pc", "boai", False, None),
    ("dayong_b", "中山市大涌医院党支部", "branch", "zs_bureau_pc", "dayong_h", False, None),
    ("gangkou_pc", "中共中山市港口镇委员会", "committee", None, "gangkou_gov", False, None),
    ("dayong_pc", "中共中山市大涌镇委员会", "committee", None, "dayong_gov", False, None),
    ("gdlg_pc", "中共广东理工职业学院委员会", "committee", None, "gdlg", False, None),
    ("zs_sports_gb", "中山市体育运动学校党总支", "general_branch", None, "zs_sports", False, None),
    ("mengyin_pc", "中共蒙阴县人民医院委员会", "committee", None, "mengyin", False, None),
]
BOAI_BRANCH_NUMERALS = "一二三四五六七八九十"
BOAI_BRANCHES = [f"中山市博爱医院第{n}党支部" for n in list(BOAI_BRANCH_NUMERALS) + ["十一"]]

# (name, gender, status, [(kind, title, org key | None, institution key | None, start, end)], home org key)
# start/end are the dates of the reports that show the post (approximate), unless stated.
PEOPLE = [
    ("潘海恩", "", "formal", [("party", "书记", "dg7_pc", None, "2024-05-22", None)], "dg7_pc"),
    (
        "刘俊彪",
        "",
        "formal",
        [
            ("party", "副书记", "dg7_pc", None, "2024-05-22", None),
            ("party", "纪委书记", "dg7_pc", None, "2024-05-22", None),
            ("admin", "党委办主任", None, "dg7", "2024-05-22", None),
        ],
        "dg7_pc",
    ),
    ("潘翠芬", "", "masses", [("admin", "院办主任", None, "dg7", "2024-05-22", None)], "dg7_pc"),
    (
        "何婉婷",
        "",
        "formal",
        [
            ("party", "书记", "dg7_b2", None, "2024-05-22", None),
            ("admin", "信息科负责人", None, "dg7", "2024-05-22", None),
        ],
        "dg7_b2",
    ),
    ("林远龙", "", "masses", [("admin", "党委办干事", None, "dg7", "2024-05-22", None)], "dg7_pc"),
    (
        "黄俊河",
        "",
        "formal",
        [
            ("admin", "董事", None, "guangji_co", "2024-05-22", None),
            ("party", "书记", "guangji_b", None, "2024-05-22", None),
        ],
        "guangji_b",
    ),
    (
        "朱宝森",
        "",
        "masses",
        [
            ("admin", "副总经理", None, "guangji_co", "2024-05-22", None),
            ("admin", "执行院长", None, "nanzha", "2024-05-22", None),
        ],
        "nanzha_b",
    ),
    ("王明新", "", "formal", [("party", "书记", "nanzha_b", None, "2024-05-22", None)], "nanzha_b"),
    ("吉赵勇", "", "masses", [("admin", "副院长", None, "nanzha", "2024-05-22", None)], "nanzha_b"),
    (
        "丘小筠",
        "",
        "formal",
        [
            ("party", "书记", "by_sector", None, "2023-07-10", None),
            ("party", "书记", "by_bureau_pc", None, "2023-07-10", None),
        ],
        "by_bureau_pc",
    ),
    (
        "何耀东",
        "M",
        "formal",
        [
            ("party", "副书记", "by_sector", None, "2023-07-10", None),
            ("party", "专职副书记", "by_bureau_pc", None, "2023-07-10", None),
        ],
        "by_bureau_pc",
    ),
    ("冯秀娟", "F", "formal", [("party", "组织委员", "by_bureau_pc", None, "2023-07-10", None)], "by_bureau_pc"),
    ("周用棣", "", "formal", [("party", "书记", "jk_hospital_pc", None, "2023-07-10", None)], "jk_hospital_pc"),
    (
        "周怡",
        "",
        "formal",
        [
            ("party", "兼职委员", "by_sector", None, "2023-07-10", None),
            ("party", "副书记", "jk_hospital_pc", None, "2023-07-10", None),
        ],
        "jk_hospital_pc",
    ),
    (
        "何勇",
        "M",
        "formal",
        [
            ("party", "委员", "jk_pc", None, "2023-07-10", None),
            ("admin", "总院长", None, "jk_group", "2023-07-10", None),
            ("admin", "院长", None, "jk_hospital", "2023-07-10", None),
        ],
        "jk_pc",
    ),
    ("董彬彬", "", "formal", [("party", "书记", "jk_tonghe_b", None, "2023-07-10", None)], "jk_tonghe_b"),
    ("韩佳玺", "", "masses", [("admin", "全媒体中心主任", None, "jk_group", "2023-07-10", None)], "jk_pc"),
    (
        "欧阳刚劲",
        "",
        "formal",
        [
            ("admin", "副局长", None, "zs_bureau", "2023-07-04", None),
            ("party", "书记", "zs_bureau_pc", None, "2023-07-04", None),
        ],
        "zs_bureau_pc",
    ),
    ("黄兴辉", "", "masses", [("admin", "处长", None, "zs_bureau", "2024-06-20", None)], "zs_bureau_pc"),
    ("雷继敏", "M", "formal", [("party", "书记", "boai_pc", None, "2023-07-04", None)], "boai_pc"),
    # 院长 of 博爱: 高建慧 in the 2023-07-04 report, 郭小玲 in the 2024-06-20 report.
    (
        "高建慧",
        "",
        "formal",
        [
            ("party", "副书记", "boai_pc", None, "2023-07-04", "2024-06-20"),
            ("admin", "院长", None, "boai", "2023-07-04", "2024-06-20"),
        ],
        "boai_pc",
    ),
    (
        "郭小玲",
        "F",
        "formal",
        [("party", "副书记", "boai_pc", None, "2024-06-20", None), ("admin", "院长", None, "boai", "2024-06-20", None)],
        "boai_pc",
    ),
    (
        "史妙丽",
        "F",
        "formal",
        [("party", "委员", "boai_pc", None, "2023-07-04", None), ("admin", "副院长", None, "boai", "2023-07-04", None)],
        "boai_pc",
    ),
    ("戴志斌", "", "formal", [("admin", "副院长", None, "boai", "2023-07-04", None)], "boai_pc"),
    ("甘玉杰", "", "formal", [("admin", "副院长", None, "boai", "2023-07-04", None)], "boai_pc"),
    ("罗红珊", "F", "formal", [("party", "纪委书记", "boai_pc", None, "2023-07-04", None)], "boai_pc"),
    ("何淑华", "F", "formal", [("party", "委员", "boai_b4", None, "2023-07-04", None)], "boai_b4"),
    ("潘晓芬", "F", "formal", [("party", "书记", "boai_b10", None, "2023-07-04", None)], "boai_b10"),
    ("杨春晖", "", "formal", [("party", "书记", "boai_b11", None, "2023-07-04", None)], "boai_b11"),
    ("徐福有", "M", "formal", [("party", "副书记", "zs_sports_gb", None, "2023-07-04", None)], "zs_sports_gb"),
    (
        "陈新权",
        "M",
        "formal",
        [
            ("party", "书记", "dayong_b", None, "2024-06-20", None),
            ("admin", "院长", None, "dayong_h", "2024-06-20", None),
        ],
        "dayong_b",
    ),
    ("李健华", "M", "formal", [("party", "书记", "dayong_pc", None, "2024-06-20", None)], "dayong_pc"),
    (
        "李家豪",
        "M",
        "formal",
        [
            ("party", "副书记", "dayong_pc", None, "2024-06-20", None),
            ("admin", "镇长", None, "dayong_gov", "2024-06-20", None),
        ],
        "dayong_pc",
    ),
    ("白升荣", "", "masses", [("admin", "副镇长", None, "dayong_gov", "2024-06-20", None)], "dayong_pc"),
    # Retired member awarded the 光荣在党50年 medal on 2023-07-04; his branch is not reported.
    ("李永川", "M", "formal", [], "boai_pc"),
]

# username, full name, role, org key, person name (linked record)
# A person name of BRANCH_MEMBER links the login to a member of that branch (the demo's generated members).
BRANCH_MEMBER = "*"
DEMO_USERS = [
    ("sector", "白云区行业党委管理员", 40, "by_sector", None),
    ("zs_sector", "中山市卫健局机关党委管理员", 40, "zs_bureau_pc", "欧阳刚劲"),
    ("dg_sector", "东莞市卫生健康行业党委管理员", 40, "dg_sector", None),
    ("boai_admin", "博爱医院党办", 30, "boai_pc", None),
    ("secretary", "潘晓芬（第十党支部书记）", 20, "boai_b10", "潘晓芬"),
    ("member", "第十党支部党员", 10, "boai_b10", BRANCH_MEMBER),
    ("veteran", "李永川（退休党员）", 10, "boai_pc", "李永川"),
    ("partner", "港口镇党委联系人", 5, "gangkou_pc", None),
    ("dg7_admin", "东莞七院党办", 30, "dg7_pc", None),
    ("nanzha", "王明新（南栅医院党支部书记）", 30, "nanzha_b", "王明新"),
    ("guangji", "黄俊河（广济医院党支部书记）", 30, "guangji_b", "黄俊河"),
    ("jingkang", "精康集团党委党办", 30, "jk_pc", None),
    ("taihe", "太和镇卫生院党支部管理员", 30, "taihe_b", None),
    ("dayong", "陈新权（大涌医院党支部书记）", 30, "dayong_b", "陈新权"),
    ("mengyin", "蒙阴县人民医院党办", 30, "mengyin_pc", None),
]
DEMO_PASSWORD = "gongjian-demo-2024"
