from khabar.group.entities import entities, name_key


def test_transliterations_of_one_name_share_a_key() -> None:
    assert name_key("وین ماروتو") == name_key("واین ماروتو") == name_key("واين ماروتو")
    assert name_key("ترامپ") == name_key("ترمپ")
    assert name_key("کوین کوبسی") != name_key("وین ماروتو")
    assert name_key("سوریه") == "سوریه"  # too short a skeleton to merge on: kept whole


def test_names_in_guillemets_after_titles_and_from_the_gazetteer() -> None:
    text = "«وین ماروتو» سخنگوی ائتلاف در بغداد گفت. سرهنگ کوین کوبسی نیز در عراق حضور داشت. سخنگوی دولت گفت."
    found = {(e.name, e.kind) for e in entities(text)}
    assert ("وین ماروتو", "name") in found
    assert ("کوین کوبسی", "person") in found
    assert ("بغداد", "place") in found and ("عراق", "place") in found
    assert not any(kind == "person" and name.startswith("دولت") for name, kind in found)  # a role, not a name


def test_one_entity_per_key_in_its_commonest_spelling() -> None:
    text = "«واین ماروتو» گفت. «واین ماروتو» افزود. «وین ماروتو» تاکید کرد."
    (marotto,) = [e for e in entities(text) if "ماروتو" in e.name]
    assert marotto.name == "واین ماروتو"
