"""The page reader of the Russian walk finds what it is meant to find (a reader that
found nothing would let every page pass)."""

from tests.site.page_audit import audit_page

FAULTY = """<!doctype html><html lang="en"><head><title>Not seen</title></head><body>
<h1>One</h1><h1>Two</h1>
<form><input type="text" name="alone" id="alone"><input type="hidden" name="token">
<label for="named">Named</label><input name="named" id="named">
<label>Wrapped <select name="wrapped"></select></label>
<textarea name="spoken" aria-label="Spoken"></textarea>
<button type="submit"></button><button type="submit"><img src="/go.svg" alt="Go"></button>
</form>
<table><tr><th>Loose</th><th scope="col">Kept</th></tr></table>
<img src="/a.png"><p id="twice">Some <b>text</b></p><p id="twice"></p>
<a href="/empty/"></a><a href="/named/" aria-label="Named link"></a>
<script>var hidden = "not text";</script>
</body></html>"""


def test_the_reader_finds_each_kind_of_defect() -> None:
    audit = audit_page(FAULTY)

    assert audit.language == "en"
    assert audit.h1_count == 2
    assert audit.unlabelled_fields() == ["<input name='alone' id='alone'>"]
    assert audit.headers_without_scope == ["Loose"]
    assert audit.images_without_alt == ["/a.png"]
    assert audit.duplicate_ids() == ["twice"]
    assert audit.nameless_controls == ["<button href=''>", "<a href='/empty/'>"]
    assert "Some" in audit.texts
    assert "text" in audit.texts
    assert "Spoken" in audit.texts
    assert "Go" in audit.texts
    assert not any("hidden" in text or "Not seen" in text for text in audit.texts)
