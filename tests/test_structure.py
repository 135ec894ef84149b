"""The shape of the code: the app import graph has no cycle through projects and the
workflow/history apps, and no module grows past what one reads in one go."""

import importlib.util
from pathlib import Path

from django.conf import settings

SCRIPT = Path(settings.BASE_DIR) / "scripts" / "import_graph.py"
MAX_LINES = 500


def load_script():
    spec = importlib.util.spec_from_file_location("import_graph", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_projects_does_not_import_the_workflow_or_the_history_pages():
    graph = load_script().app_graph()
    assert "reviews" not in graph["projects"]
    assert "pages" not in graph["projects"] and "imports" not in graph["projects"]
    for component in load_script().cycles(graph):
        assert "projects" not in component, component


def test_the_graph_finds_a_cycle_when_there_is_one(tmp_path):
    """The check above can fail: two apps importing each other are a cycle."""
    for app, other in (("a", "b"), ("b", "a")):
        (tmp_path / app).mkdir()
        (tmp_path / app / "m.py").write_text(f"from apps.{other}.m import x\n")
    script = load_script()
    assert script.cycles(script.app_graph(tmp_path)) == [["a", "b"]]


def test_no_module_of_apps_is_over_500_lines():
    long = {
        str(path.relative_to(settings.BASE_DIR)): n
        for path in (Path(settings.BASE_DIR) / "apps").rglob("*.py")
        if "migrations" not in path.parts
        and (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert not long, f"split these into packages: {long}"
