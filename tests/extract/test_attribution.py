"""Tests for khabar.extract.attribution (who wrote a story, whom it cites) and
khabar.extract.boilerplate (the lines of a page that are not the article)."""

from __future__ import annotations

from pathlib import Path

import pytest

from khabar.extract import boilerplate, read_text_dump
from khabar.extract.attribution import (
    cited_sources,
    clean_agency,
    known_agency_in,
    opening_attribution,
    republisher_credit,
    starts_with_attribution,
)

SEEDS = Path(__file__).resolve().parents[2] / "src" / "khabar" / "demo" / "seeds"

# Sentences from the seed pages.
ALFURAT = (
    "شبکه خبری الفرات در کانال تلگرامی خود به نقل از ماروتو گزارش داد، حضور نیروهای باقی مانده آمریکایی "
    "در عراق بر اساس مذاکرات بین واشنگتن و بغداد است."
)
SPUTNIK = (
    "پیش از این خبرگزاری اسپوتنیک گزارش داده بود که نیروهای آمریکایی ۷۲ ساعته به صورت پیوسته از سوریه، "
    "وارد عراق می شوند."
)
FARS_OPENING = (
    "به گزارش گروه بین الملل خبرگزاری فارس، «وین ماروتو» سخنگوی نیروهای ائتلاف موسوم به ضد داعش به رهبری "
    "آمریکا مدعی شد که به حاکمیت عراق احترام میگذارند."
)
ISNA_OPENING = (
    "به گزارش ایسنا، به نقل از میدل ایست نیوز، ائتلاف بینالمللی امروز سه شنبه گفت که رفت و آمد اخیر "
    "نیروهای آمریکایی از سوریه به عراق در چارچوب تحرکات معمول انجام شد."
)
TITR_CREDIT = 'منبع خبر "خبرگزاری فارس" است و موتور جستجوگر خبر تیترآنلاین در قبال محتوای آن هیچ مسئولیتی ندارد.'
LEGAL = (
    "با استناد به ماده ۷۴ قانون تجارت الکترونیک مصوب ۱۳۸۲/۱۰/۱۷ مجلس شورای اسلامی و با عنایت به اینکه "
    "سایت تیترآنلاین مصداق بستر مبادلات الکترونیکی متنی، صوتی و تصویری است، مسئولیت نقض حقوق تصریح شده "
    "مولفان از قبیل تکثیر، اجرا و توزیع و یا هرگونه محتوای خلاف قوانین کشور ایران بر عهده منبع خبر و "
    "کاربران است."
)
PROSE = "ماروتو با بیان اینکه عراق در حال حاضر به تنهایی مشغول مبارزه با داعش است، گفت که اگر بغداد درخواست کند."


# --- opening attribution ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("paragraph", "agency", "relayed"),
    [
        (ISNA_OPENING, "ایسنا", ["میدل ایست نیوز"]),
        (FARS_OPENING, "خبرگزاری فارس", []),
        ("به گزارش گروه بین‌الملل خبرگزاری فارس، به رغم ادامه مذاکرات", "خبرگزاری فارس", []),
        ("به گزارش خبرنگار ورزشی مهر، تیم ملی فوتبال امروز تمرین کرد.", "مهر", []),
        ("به گزارش خبرنگار سیاسی ایسنا، نمایندگان مجلس شورای اسلامی", "ایسنا", []),
        ("به گزارش خبرنگار پارلمانی خبرگزاری فارس، نمایندگان مجلس", "خبرگزاری فارس", []),
        ("به گزارش خبرنگار ورزشي خبرگزاري فارس، مسئولان باشگاه", "خبرگزاري فارس", []),
        ("به گزارش ایرنا، وزیر امور خارجه امروز به نیویورک رفت.", "ایرنا", []),
        ("به گزارش ایسنا ، همچنین بر اساس این حکم وی موظف است", "ایسنا", []),
        (
            "به گزارش خبرگزاری فارس به نقل از روزنامه تودی زمان، دولت ترکیه قانون منع حجاب را لغو کرد.",
            "خبرگزاری فارس",
            ["روزنامه تودی زمان"],
        ),
        ("به گزارش ایسنا به نقل از رویترز، ترامپ گفت", "ایسنا", ["رویترز"]),
        ("به گزارش باشگاه خبرنگاران جوان، قیمت طلا کاهش یافت.", "باشگاه خبرنگاران جوان", []),
    ],
    ids=[
        "isna-relaying",
        "fars-desk",
        "fars-desk-zwnj",
        "mehr-reporter",
        "isna-reporter",
        "fars-reporter",
        "fars-reporter-arabic-letters",
        "irna",
        "isna-space-before-comma",
        "fars-relaying-newspaper",
        "isna-relaying-reuters",
        "yjc",
    ],
)
def test_opening_attribution(paragraph, agency, relayed):
    assert opening_attribution(paragraph) == (agency, relayed)


@pytest.mark.parametrize(
    "paragraph",
    [
        "فرمانده کل نیروهای ائتلاف بین المللی ضمن تکذیب عقب نشینی نیروهای آمریکایی از سوریه، خروج آنها را معمول دانست.",
        "وی گفت: به گزارش‌های رسیده توجه کنید.",
        ALFURAT,
        "",
    ],
)
def test_no_opening_attribution(paragraph):
    assert opening_attribution(paragraph) == (None, [])


@pytest.mark.parametrize(
    ("paragraph", "expected"),
    [
        (ISNA_OPENING, True),
        (FARS_OPENING, True),
        ("به نقل از سایت باشگاه ذوب آهن، میلاد میرترابی بازیکن اخراجی", True),
        ("بنا بر گزارش رویترز، مذاکرات ادامه دارد.", True),
        ("طبق گزارش مرکز آمار، تورم کاهش یافت.", True),
        ("  به گزارش ایرنا، وزیر گفت.", True),
        ("به گزارشگران گفت که تمرین فردا برگزار می‌شود.", False),
        ("گزارش‌ها حاکی است که مذاکرات ادامه دارد.", False),
        ("فرمانده کل نیروهای ائتلاف بین المللی گفت.", False),
    ],
)
def test_starts_with_attribution(paragraph, expected):
    assert starts_with_attribution(paragraph) is expected


# --- agency names -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "agency"),
    [
        ("گروه بین الملل خبرگزاری فارس", "خبرگزاری فارس"),
        ("گروه بین‌الملل خبرگزاری فارس", "خبرگزاری فارس"),
        ("سرویس ورزشی خبرگزاری تسنیم", "خبرگزاری تسنیم"),
        ("خبرنگار سیاسی ایسنا", "ایسنا"),
        ("خبرنگار  ورزشی  مهر", "مهر"),
        ("خبرنگار گروه اقتصادی باشگاه خبرنگاران جوان", "باشگاه خبرنگاران جوان"),
        ("خبرنگار سیاسی ايسنا", "ايسنا"),
        ("  ایرنا ", "ایرنا"),
        ("ایسنا", "ایسنا"),
        ("", None),
    ],
)
def test_clean_agency(name, agency):
    assert clean_agency(name) == agency


@pytest.mark.parametrize(
    ("text", "agency"),
    [
        ("خبرگزاري فارس سه شنبه", "خبرگزاري فارس"),
        ("خبرگزاری فارس سه شنبه 22 تیر 1400", "خبرگزاری فارس"),
        ("به نقل از خبرگزاري مهر", "خبرگزاري مهر"),  # the word "خبرگزاری" in front is part of the name
        ("تسنيم", "تسنيم"),
        ("ايلنا", "ايلنا"),
        ("صدا و سيما", "صدا و سيما"),
        ("گزارش باشگاه خبرنگاران جوان", "باشگاه خبرنگاران جوان"),
        ("پرس‌تی‌وی", "پرس‌تی‌وی"),
        ("ورزش سه - ", "ورزش سه"),
        ("فارسی", None),
        ("مهرداد گفت", None),
        ("سخنگوی نیروهای ائتلاف", None),
    ],
)
def test_known_agency_in(text, agency):
    assert known_agency_in(text) == agency


# --- sources cited in the text ----------------------------------------------------------------


def test_medium_that_reports_is_cited():
    assert cited_sources([FARS_OPENING, ALFURAT]) == ["شبکه خبری الفرات"]


def test_background_reference_is_not_cited():
    assert cited_sources([ISNA_OPENING, SPUTNIK]) == ["میدل ایست نیوز"]  # the relayed source only
    assert cited_sources([FARS_OPENING, "خبرگزاری رویترز پیشتر گزارش داده بود که مذاکرات ادامه دارد."]) == []


def test_person_quoted_is_not_cited():
    """ "به نقل از ماروتو" names a person: only the network in that sentence is cited."""
    cited = cited_sources([FARS_OPENING, ALFURAT])
    assert not any("ماروتو" in name for name in cited)
    assert cited_sources([FARS_OPENING, "وی به نقل از ماروتو افزود که نیروها باقی می‌مانند."]) == []


def test_the_opening_agency_is_not_a_citation():
    assert cited_sources([FARS_OPENING]) == []


def test_medium_named_later_in_the_text_is_cited():
    paragraphs = [
        FARS_OPENING,
        "روزنامه نیویورک تایمز روز دوشنبه نوشت که مذاکرات ادامه دارد.",
        "به گزارش رویترز، ترامپ گفت که توافق نزدیک است.",
    ]
    assert cited_sources(paragraphs) == ["روزنامه نیویورک تایمز", "رویترز"]


def test_same_medium_is_cited_once():
    assert cited_sources([FARS_OPENING, ALFURAT, ALFURAT]) == ["شبکه خبری الفرات"]


def test_seed_pages_cite_what_the_expected_readings_say():
    texts = {name: (SEEDS / name).read_text(encoding="utf-8") for name in sorted(p.name for p in SEEDS.glob("*.txt"))}
    cites = {name: list(read_text_dump(text).cites) for name, text in texts.items()}
    assert cites["000_f3ac28793e446b22.txt"] == ["شبکه خبری الفرات"]
    assert cites["002_2685855fda886fa6.txt"] == ["میدل ایست نیوز"]


# --- republishers -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        ([TITR_CREDIT], ("خبرگزاری فارس", "تیترآنلاین")),
        ([TITR_CREDIT, LEGAL], ("خبرگزاری فارس", "تیترآنلاین")),
        (["منبع خبر «ایسنا» است و سایت خبرفوری در قبال محتوای آن هیچ مسئولیتی ندارد."], ("ایسنا", "خبرفوری")),
        (["منبع: ایرنا"], ("ایرنا", None)),
        (["انتهای پیام/", "ارسال به دوستان"], (None, None)),
        ([], (None, None)),
    ],
)
def test_republisher_credit(lines, expected):
    assert republisher_credit(lines) == expected


# --- page furniture ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "line",
    [
        "انتهای پیام/",
        "انتهای پیام/ی",
        "انتهای پیام",
        "انتهای‌پیام/ی",  # ZWNJ
        "انتهای‌ پیام",  # ZWNJ and a space
        "انتهایپیام",  # joined
        "انتهاي پيام/",  # Arabic yeh
        "انتهای پیام /م",
        "پایان خبر",
        "انتهای متن/",
    ],
)
def test_end_markers(line):
    assert boilerplate.is_end_marker(line)


@pytest.mark.parametrize(
    "line",
    [
        "وی در انتهای پیام خود از مردم تشکر کرد.",
        "پایان خبرهای ورزشی امروز",
        "انتهای پیام را بخوانید",
        PROSE,
    ],
)
def test_not_end_markers(line):
    assert not boilerplate.is_end_marker(line)


@pytest.mark.parametrize(
    "line",
    [
        "ارسال به دوستان",
        "نسخه چاپی",
        "نسخه چاپي",
        "اشتراک‌گذاری",
        "اشتراک گذاری",
        "کپی لینک",
        "برچسب‌ها:",
        "نظرات",
        "فیلم بیشتر »»",
        "عکس بیشتر »»",
        "اخبار بیشتر >>",
    ],
)
def test_tool_labels(line):
    assert boilerplate.is_tool_label(line)


@pytest.mark.parametrize(
    "line",
    [
        "فیلم",
        "ارسال 45 اثر به دبیرخانه عکس عاشورایی",
        "سالروز اولین گل کریس رونالدو+فیلم",
        "وی گفت که به زودی فیلم بیشتری منتشر می‌شود »» و تصاویر را ببینید",
        PROSE,
    ],
)
def test_not_tool_labels(line):
    assert not boilerplate.is_tool_label(line)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("اخبار مرتبط", True),
        ("بیشتر بخوانید:", True),
        ("مطالب مرتبط", True),
        ("پربازدیدترین", True),
        ("آخرین اخبار ورزشی", True),
        ("آخرین اخبار از مذاکرات وین درباره برجام و تحریم‌ها", False),
        ("ماسکرانو: بارسا سرشار از زندگی است", False),
    ],
)
def test_related_headings(line, expected):
    assert boilerplate.is_related_heading(line) is expected


@pytest.mark.parametrize(
    ("paragraph", "expected"),
    [
        (TITR_CREDIT, True),
        (LEGAL, True),
        ("تمامی حقوق مادی و معنوی این اثر محفوظ است و استفاده از مطالب تنها با ذکر منبع مجاز است.", True),
        ("کلیه حقوق این سایت محفوظ است.", True),
        (PROSE, False),
        (ALFURAT, False),
    ],
)
def test_disclaimers(paragraph, expected):
    assert boilerplate.is_disclaimer(paragraph) is expected


def test_headline_run():
    run = (SEEDS / "002_2685855fda886fa6.txt").read_text(encoding="utf-8").splitlines()[-1]
    assert boilerplate.is_headline_run(run)


@pytest.mark.parametrize(
    "paragraph",
    [
        # a long article paragraph: its sentences end with "."
        "وی افزود: ماموریت ما در عراق و سوریه با آموزش ۱۲۰ هزار نفر از نیروهای عراقی، نیروهای دموکراتیک "
        "سوریه و نیروهای پیشمرگه انجام شد و ما اکنون در مرحله جدیدی هستیم و ائتلاف بینالمللی در این مرحله به "
        "حمایت از این نیروها پایبند است زیرا ماموریت هنوز به پایان نرسیده است.",
        # a few headlines: not long enough to be a run
        "ایلان ماسک: با بمب اتم میزنم تهرانی ها امسال فقط ۵ روز هوای پاک تنفس کردند!",
    ],
)
def test_not_headline_run(paragraph):
    assert not boilerplate.is_headline_run(paragraph)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("ائتلاف آمریکا: اگر الکاظمی بخواهد از عراق خارج میشویم", True),
        ("ماسکرانو: بارسا سرشار از زندگی است", True),
        ("تهرانی ها امسال فقط ۵ روز هوای پاک تنفس کردند!", True),
        ("ورزشی", False),  # one word: a menu item
        ("وی تابستان سال جاری از اتلتیکومادرید راهی بارسلونا شد.", False),  # a sentence
        ("وی افزود:", False),
        ("فرمانده گفت، ", False),
        (" ".join(["کلمه"] * 46), False),  # Fars joins several headlines with "/": up to 45 words
        (" ".join(["کلمه"] * 45), True),
    ],
)
def test_looks_like_headline(line, expected):
    assert boilerplate.looks_like_headline(line) is expected


# --- realistic attributions that an earlier reader got wrong --------------------------------------


@pytest.mark.parametrize(
    ("paragraph", "agency", "relayed"),
    [
        ('به گزارش "ورزش سه"، عمر السوما بازیکن تیم فوتبال الاهلی', "ورزش سه", []),
        ("به گزارش “ورزش سه”، شاگردان برانکو که در نوبت صبح", "ورزش سه", []),
        ('به گزارش "ورزش سه" و به نقل از فارس، علیرضا رحیمی', "ورزش سه", ["فارس"]),
        ('به گزارش "ورزش سه" از مهر، در ادامه رقابتهای مرحله یک هشتم', "ورزش سه", ["مهر"]),
    ],
)
def test_quoted_agency_name(paragraph, agency, relayed):
    assert opening_attribution(paragraph) == (agency, relayed)


@pytest.mark.parametrize(
    "paragraph",
    [
        "به گزارش خبرگزاری فارس از گچساران، مرحله هشتم رزمایش کمک‌های مومنانه",
        "به گزارش خبرگزاری فارس از خرم‌آباد، سیده فاطمه موسوی",
    ],
)
def test_dateline_city_is_not_part_of_the_agency(paragraph):
    assert opening_attribution(paragraph)[0] == "خبرگزاری فارس"


@pytest.mark.parametrize(
    ("name", "agency"),
    [("سرویس بین الملل ایرنا", "ایرنا"), ("گروه سیاسی ایسنا", "ایسنا")],
)
def test_desk_before_a_short_agency_name(name, agency):
    assert clean_agency(name) == agency


@pytest.mark.parametrize(
    ("text", "agency"),
    [
        ("در گفت‌وگو با ایرنا", "ایرنا"),
        ("خبرنگار گروه بین‌الملل خبرگزاری فارس", "خبرگزاری فارس"),
    ],
)
def test_known_agency_after_a_zwnj_word(text, agency):
    assert known_agency_in(text) == agency


def test_regional_desk_reporter_attribution():
    paragraph = "به گزارش خبرنگار دفتر منطقه‌ای خبرگزاری فارس در آمریکای لاتین، «کریستینا فرناندز» رئیس جمهور آرژانتین"
    assert opening_attribution(paragraph) == ("خبرگزاری فارس", [])
