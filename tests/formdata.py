"""Read back the form a page rendered, as a browser would post it."""

import re
from html.parser import HTMLParser


class _FormParser(HTMLParser):
    def __init__(self, form_id):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.in_template = 0
        self.fields: list[tuple[str, str]] = []
        self._textarea = None
        self._select = None
        self._select_value = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and a.get("id") == self.form_id:
            self.inside = True
        if not self.inside:
            return
        if tag == "template":
            self.in_template += 1
        if self.in_template:
            return
        if tag == "input" and "name" in a and "disabled" not in a:
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self.fields.append((a["name"], a.get("value", "on")))
            elif kind not in ("submit", "button"):
                self.fields.append((a["name"], a.get("value", "")))
        elif tag == "textarea" and "name" in a and "disabled" not in a:
            self._textarea = [a["name"], ""]
        elif tag == "select" and "name" in a and "disabled" not in a:
            self._select, self._select_value = a["name"], None
        elif tag == "option" and self._select is not None:
            if "selected" in a or self._select_value is None:
                self._select_value = (a.get("value", ""), "selected" in a)

    def handle_endtag(self, tag):
        if tag == "template" and self.in_template:
            self.in_template -= 1
        if tag == "form" and self.inside:
            self.inside = False
        if tag == "textarea" and self._textarea:
            value = self._textarea[1]
            if value.startswith("\n"):
                value = value[1:]  # HTML drops the newline right after <textarea>
            self.fields.append((self._textarea[0], value))
            self._textarea = None
        if tag == "select" and self._select is not None:
            if self._select_value is not None:
                self.fields.append((self._select, self._select_value[0]))
            self._select = None

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data


def form_data(html: str, form_id: str = "sheet-form") -> dict[str, str]:
    parser = _FormParser(form_id)
    parser.feed(html)
    data: dict[str, str] = {}
    for name, value in parser.fields:
        data[name] = value
    return data


# --- The live check as the page's script posts it ----------------------------------------

TABLES = ("ind", "line", "doc")


def row_indexes(data, table):
    pattern = re.compile(rf"^{table}-(\d+)-")
    return sorted({int(m.group(1)) for key in data if (m := pattern.match(key))})


def as_live_check(data: dict, changed: set[str]) -> dict:
    """``data`` as the page's script posts it: every saved row not in ``changed`` without
    its fields (only its id and DELETE), named in its table's SAME."""
    out = dict(data)
    for table in TABLES:
        if f"{table}-TOTAL_FORMS" not in data:
            continue
        initial = int(data[f"{table}-INITIAL_FORMS"])
        same = []
        for i in row_indexes(data, table):
            prefix = f"{table}-{i}"
            if i >= initial or prefix in changed or not data.get(f"{prefix}-id"):
                continue
            same.append(prefix)
            for key in [k for k in out if k.startswith(f"{prefix}-")]:
                if key not in (f"{prefix}-id", f"{prefix}-DELETE"):
                    del out[key]
        out[f"{table}-SAME"] = ",".join(same)
    return out
