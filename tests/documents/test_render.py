"""The renderer: content read back, user text printed literally, scripts, determinism."""

from __future__ import annotations

import dataclasses
import io
import json
import os
import subprocess
import sys
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from mash_desk.documents import (
    as_copy,
    render_document,
    render_letter,
    render_memo,
    render_minutes,
    render_routing_notice,
    sha256_hex,
)
from mash_desk.documents.fonts import PLACEHOLDER, markup, runs
from mash_desk.documents.letterhead import LetterheadError, parse_letterhead
from mash_desk.documents.serialize import from_json, to_json
from tests.documents import samples
from tests.documents.conftest import INJECTIONS, pdf_fonts, pdf_text

LATIN_NAMES = {
    "Polish": "Łucja Żółkiewska-Wąś",
    "Romanian": "Ștefan Țurcanu-Vlădescu",
    "Turkish": "Şükrü Öztürk Ağaoğlu İpek",
    "Lithuanian": "Žygimantas Ąžuolas Ėglė Ūsas",
    "Vietnamese": "Nguyễn Thị Hường Đặng",
}
SCRIPT_NAMES = {
    "NotoNaskhArabic": "أحمد خان",
    "NotoSansDevanagari": "प्रिया शर्मा",
    "NotoSansBengali": "রাহুল দাস",
    "NotoSansGurmukhi": "ਹਰਪ੍ਰੀਤ ਸਿੰਘ",
    "NotoSansGujarati": "પ્રિયા પટેલ",
    "NotoSansTamil": "கார்த்திக் ராஜா",
}
ALL_KINDS = {
    "memo": lambda name, text: samples.memo(name, text),
    "letter": lambda name, text: samples.letter(name, text),
    "professional notice": lambda name, text: samples.notice("professional", name, text),
    "family notice": lambda name, text: samples.notice("family", name, text),
    "minutes": lambda name, text: samples.minutes(name, text),
}


def _pages(data: bytes) -> list[str]:
    return [" ".join((p.extract_text() or "").split()) for p in PdfReader(io.BytesIO(data)).pages]


def test_memo_reads_back_with_every_section():
    words = pdf_text(render_memo(samples.memo()))
    for heading in (
        "MASH decision memo",
        "1. Child and household",
        "2. Contact and referral",
        "3. Agency information",
        "4. RAG history",
        "5. Threshold level",
        "Indicators, as worded in version 2016",
        "6. Decision and rationale",
        "7. Consent and information sharing",
        "8. Actions",
        "9. Who was informed",
        "10. Dissent and escalation",
        "11. Sign-off",
        "12. Amendment history",
    ):
        assert heading in words, heading
    for content in (
        "Amira HASSAN",
        "943 476 5919",
        "Pregnant young person",
        "Consent is sought for a single assessment.",
        "Single assessment (s17)",
        "Book a CP medical",
        "stage 1 (Practitioner to practitioner), open",
        "Model threshold guidance (model-threshold), version 2016",
        "No further action",
        "Why this outcome at this level",
        samples.OUTCOME_LEVEL_REASON,  # printed literally: markup characters and all
    ):
        assert content in words, content


@pytest.mark.parametrize("kind", sorted(ALL_KINDS))
def test_every_page_is_marked_numbered_and_headed(kind):
    model = ALL_KINDS[kind]("Amira HASSAN", "Long narrative. " * 400)
    pages = _pages(render_document(model))
    # The long narrative runs over a page (the family's letter never carries it).
    assert len(pages) >= (1 if kind == "family notice" else 2)
    for number, text in enumerate(pages, start=1):
        assert text.count("OFFICIAL-SENSITIVE") == 2, (kind, number)
        assert f"Page {number} of {len(pages)}" in text
        assert "London Borough of Eastmoor" in text and model.meta.reference in text
        assert "COPY" not in text
    copy = _pages(render_document(as_copy(model, date(2026, 12, 1))))
    assert all("COPY — reprinted 01 Dec 2026" in text for text in copy)


@pytest.mark.parametrize("kind", sorted(ALL_KINDS))
def test_injection_strings_print_literally_and_embed_nothing(kind):
    nasty = " ".join(INJECTIONS) + " <a href='https://example.org/x'>link</a> &amp; &#65;"
    data = render_document(ALL_KINDS[kind](nasty, nasty))
    words = pdf_text(data)
    assert nasty in words
    reader = PdfReader(io.BytesIO(data))
    for page in reader.pages:
        assert "/XObject" not in page["/Resources"]  # no image was embedded
        assert "/Annots" not in page  # no live link


def test_latin_extended_names_read_back_exactly():
    for language, name in LATIN_NAMES.items():
        data = render_memo(samples.memo(name, f"Concerns about {name}."))
        words = pdf_text(data)
        assert name in words, language
        assert f"Concerns about {name}." in words, language
        assert PLACEHOLDER not in words
        assert "Helvetica" not in pdf_fonts(data)


@pytest.mark.parametrize("font", sorted(SCRIPT_NAMES))
def test_arabic_and_indic_names_use_the_bundled_shaping_fonts(font):
    name = SCRIPT_NAMES[font]
    for kind, make in ALL_KINDS.items():
        data = render_document(make(name, f"Seen with {name}, (mother) today?"))
        assert font in {f.split("-")[0] for f in pdf_fonts(data)}, kind
        assert PLACEHOLDER not in pdf_text(data)


def test_right_to_left_words_are_laid_out_right_to_left():
    # ReportLab lays words out left to right; the Arabic run is handed over word-reversed so
    # the first word of the name ends up on the right.
    [run] = runs("أحمد خان")
    assert run.font == "NotoNaskhArabic"
    assert markup("أحمد خان").text == '<font face="NotoNaskhArabic">خان أحمد</font>'
    # Punctuation the Arabic font lacks is set apart, so no word mixes two fonts.
    assert [r.font for r in runs("خان?")] == ["NotoNaskhArabic", "NotoSans"]
    assert runs("خان?")[0].text == "خان "


def test_unprintable_characters_become_a_visible_placeholder():
    text = "Zoë 😀 bell\x07 \U000e0100 x"
    words = pdf_text(render_memo(samples.memo(text, text)))
    assert "Zoë" in words and PLACEHOLDER in words
    assert markup("a\x07b").text == f"a{PLACEHOLDER}b"
    assert markup("line one\nline two").text == "line one<br/>line two"
    assert markup("a\u200bb").text in ("a\u200bb", "ab")  # an invisible joiner never a box


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    st.text(
        st.characters(blacklist_categories=("Cs",)),
        max_size=60,
    ),
    st.text(st.characters(blacklist_categories=("Cs",)), max_size=300),
)
def test_any_unicode_text_renders_every_kind(name, text):
    for make in ALL_KINDS.values():
        data = render_document(make(name, text))
        assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")


@given(st.text(st.sampled_from("أحمدप्रियাশਹਰગુகா <>&\n\u0301\u200d\u200f ,.?()0123"), max_size=80))
@settings(max_examples=40, deadline=None)
def test_mixed_scripts_and_marks_never_crash(text):
    assert render_memo(samples.memo(text, text)).startswith(b"%PDF-")


def test_same_model_same_bytes_across_processes_whatever_source_date_epoch():
    model = samples.memo("Łucja أحمد खान", "Text & <b>")
    first = render_document(model)
    assert render_document(model) == first
    script = (
        "import sys; from tests.documents import samples\n"
        "from mash_desk.documents import render_document\n"
        "sys.stdout.buffer.write(render_document(samples.memo('Łucja أحمد खान', 'Text & <b>')))"
    )
    env = dict(os.environ, SOURCE_DATE_EPOCH="1700000000", PYTHONHASHSEED="123")
    other = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, env=env, check=True, timeout=120
    ).stdout
    assert sha256_hex(other) == sha256_hex(first)
    later = dataclasses.replace(
        model, meta=dataclasses.replace(model.meta, generated_at=samples.AT + timedelta(1))
    )
    assert render_document(later) != first
    assert b"/CreationDate (D:20261117100000+00'00')" in first


@pytest.mark.parametrize("kind", sorted(ALL_KINDS))
def test_models_survive_json_and_render_identically(kind):
    model = ALL_KINDS[kind]("Zoë <b>", "Text & more\nline two")
    back = from_json(to_json(model))
    assert back == model
    assert render_document(back) == render_document(model)
    with pytest.raises(ValueError):
        from_json('{"format": 1, "kind": "nonsense", "model": {}}')


def test_a_very_long_narrative_splits_across_pages():
    # A pasted police log: many paragraphs and one unbroken 3,000-character "word", in every
    # field of the memo (table cells included).
    text = ("word " * 30 + "\n\n") * 60 + "x" * 3000
    data = render_memo(samples.memo("Amira", text))
    assert len(PdfReader(io.BytesIO(data)).pages) > 10


def test_letter_notices_and_minutes_read_back():
    letter = pdf_text(render_letter(samples.letter()))
    assert "Dear Jo Teacher," in letter and "What happens next" in letter
    assert "Yours sincerely," in letter
    family = pdf_text(render_routing_notice(samples.notice("family")))
    assert "To the parent or carer of Amira HASSAN" in family
    assert "What is changing" in family and "call 999" in family
    assert "Needs fell" not in family  # the professional reason is never in the family letter
    pro = pdf_text(render_routing_notice(samples.notice("professional")))
    assert "Level 3 to Level 2" in pro and "Handover summary" in pro and "Needs fell" in pro
    minutes = pdf_text(render_minutes(samples.minutes()))
    assert "Not quorate — not present: health" in minutes
    assert "Deferred: Needs not met" in minutes and "Apologies" in minutes


def test_letterhead_file_problems_are_named():
    with pytest.raises(LetterheadError) as caught:
        parse_letterhead({"council": "", "address": "one line", "colour": "red"})
    message = str(caught.value)
    for key in ("council", "address", "colour", "telephone", "marking"):
        assert f"{key}:" in message


def test_a_memo_kept_before_the_outcome_level_reason_existed_still_reprints():
    """Issued memos are kept as JSON: one from before the field loads with no reason."""
    payload = json.loads(to_json(samples.memo()))
    del payload["model"]["threshold"]["outcome_level_reason"]
    old = from_json(json.dumps(payload))
    assert old.threshold.outcome_level_reason is None
    assert "Why this outcome at this level" not in pdf_text(render_memo(old))
