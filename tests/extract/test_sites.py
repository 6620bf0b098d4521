import re

from lxml import html as lxml_html

from khabar.extract.sites import profile_for_host, profile_named, profiles, selector


def test_every_profile_is_well_formed() -> None:
    seen_hosts: set[str] = set()
    names = [p.name for p in profiles()]
    assert len(names) == len(set(names))
    for p in profiles():
        assert p.title and p.hosts
        assert not seen_hosts & set(p.hosts), f"{p.name} shares a host"
        seen_hosts |= set(p.hosts)
        for css in filter(None, (p.headline, p.lead, p.body, p.published, *p.drop)):
            selector(css)(lxml_html.fromstring("<div></div>"))  # compiles
        if p.code:
            assert re.compile(p.code).groups >= 1


def test_profiles_are_found_by_host_and_by_name() -> None:
    assert profile_for_host("https://www.isna.ir/news/98030903723/x").name == "isna"
    assert profile_for_host("https://isna.ir/news/1").name == "isna"
    assert profile_for_host("https://example.com/news/1") is None
    assert profile_for_host(None) is None
    assert profile_named("ايسنا").name == "isna"  # Arabic yeh
    assert profile_named("باشگاه خبرنگاران").name == "yjc"
    assert profile_named("روزنامه ناشناس") is None


def test_news_codes_from_urls() -> None:
    assert profile_for_host("https://www.isna.ir/").news_code("https://www.isna.ir/news/98030903723/x") == "98030903723"
    tasnim = profile_for_host("https://www.tasnimnews.com/")
    assert tasnim.news_code("https://www.tasnimnews.com/fa/news/1398/02/30/2015910/slug") == "2015910"
    assert tasnim.news_code(None) is None
