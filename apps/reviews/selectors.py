"""Reads of the review flow: comments placed on a sheet, history, versions, queues."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Prefetch, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from apps.accounts.models import User
from apps.projects.models import Project
from apps.projects.permissions import visible_projects
from apps.reviews import permissions
from apps.reviews.models import CommentReply, FilingRound, ReviewComment
from apps.sheets.diff import field_label

# formset key of a sheet page → (row anchor kind, the field its comments print under)
ROW_TABLES = {
    "indicators": ("indicator", "name", "指标"),
    "lines": ("line", "detail", "明细"),
    "docs": ("doc", "title", "制度"),
}


def project_comments(user: User | None, project: Project) -> list[ReviewComment]:
    """Every comment of the project (open and 已处理), with its replies and, for ``user``,
    whether they may reply to it and mark it resolved (``may_reply``, ``may_resolve``)."""
    comments = list(
        ReviewComment.objects.filter(project=project)
        .select_related("author", "resolved_by")
        .prefetch_related(
            Prefetch("replies", queryset=CommentReply.objects.select_related("author"))
        )
    )
    role = permissions.comment_role(user, project) if user is not None else ""
    for c in comments:
        c.project = project  # the permission checks read it; no query per comment
        c.may_reply = bool(role) and permissions.can_reply(user, c, role=role)[0]
        c.may_resolve = bool(role) and permissions.can_resolve(user, c, role=role)[0]
    return comments


def comment_html(comments: list[ReviewComment]) -> str:
    """Comments as printed inside the row or under the field they are about."""
    return mark_safe("".join(render_to_string("reviews/_comment.html", {"c": c}) for c in comments))


def row_anchor(key: str, form) -> str:
    kind = ROW_TABLES[key][0]
    return f"{kind}:{form.instance.pk}" if form.instance.pk else ""


def comment_anchors(page) -> set[str]:
    """The places of a sheet page that print the comments about them: each saved row,
    and each field of the page's own form (项目类别 prints its radios by hand, not
    through the bound field). Read from the rows, without building their forms."""
    anchors = {name for name in page.field_names() if name != "category"}
    for key, ids in page.row_ids().items():
        kind = ROW_TABLES[key][0]
        anchors.update(f"{kind}:{pk}" for pk in ids)
    return anchors


def placed_comments(page, comments: list[ReviewComment]):
    """(anchor → the HTML of the comments printed there, the comments with no place on
    the page any more: the whole sheet, or a row since deleted — listed at its top)."""
    anchors = comment_anchors(page)
    by_anchor: dict[str, list[ReviewComment]] = {}
    for c in comments:
        if c.anchor in anchors:
            by_anchor.setdefault(c.anchor, []).append(c)
    unplaced = [c for c in comments if c.anchor not in by_anchor]
    return {anchor: comment_html(found) for anchor, found in by_anchor.items()}, unplaced


def attach_placed(page, html_by_anchor: dict[str, str]) -> None:
    """Print each placed comment under the field or row it is about, as findings are."""
    for key, form in page.forms.items():
        if key in ROW_TABLES:
            for row in form.forms:
                anchor = row_anchor(key, row)
                if anchor and anchor in html_by_anchor:
                    _append(row, ROW_TABLES[key][1], html_by_anchor[anchor])
        else:
            for name in form.fields:
                if name in html_by_anchor:
                    _append(form, name, html_by_anchor[name])


def attach_comments(page, comments: list[ReviewComment]) -> list[ReviewComment]:
    """Print each comment under the field or row it is about; returns those that have no
    place on the page (``placed_comments``)."""
    html_by_anchor, unplaced = placed_comments(page, comments)
    attach_placed(page, html_by_anchor)
    return unplaced


def _append(form, field_name: str, html: str) -> None:
    findings = getattr(form, "findings_html", None)
    if findings is None:
        from collections import defaultdict

        findings = form.findings_html = defaultdict(str)
    findings[field_name] = format_html("{}{}", findings[field_name], html)


def comment_places(page) -> list[tuple[str, str]]:
    """(anchor, label) of every place on a sheet a reviewer may comment on."""
    places = [("", "整张表")]
    for key, form in page.forms.items():
        if key in ROW_TABLES:
            kind, name_field, noun = ROW_TABLES[key]
            for position, row in enumerate(form.saved_instances(), start=1):
                if row.pk:
                    name = getattr(row, name_field, "") or ""
                    label = f"第 {position} 行{noun}" + (f"「{name[:30]}」" if name else "")
                    places.append((f"{kind}:{row.pk}", label))
        else:
            places.extend(
                (name, field_label(name))
                for name in form.fields
                if name in {f.name for f in Project._meta.get_fields()}
            )
    return places


def last_return(project: Project):
    """The return the filler is working on, while the project is returned."""
    if project.status != Project.Status.RETURNED:
        return None
    return project.events.filter(action="return").select_related("actor").order_by("-id").first()


def project_changes(project: Project):
    return project.changes.select_related("actor")


def waiting_for(user: User) -> QuerySet[Project]:
    """The projects that wait for ``user`` to act on them."""
    projects = visible_projects(user)
    S = Project.Status
    if user.role == User.Role.DEPT_REVIEWER:
        return projects.filter(status=S.SUBMITTED)
    if user.role == User.Role.FINANCE_REVIEWER:
        return projects.filter(status=S.DEPT_PASSED)
    if user.role in (User.Role.FILLER, User.Role.UNIT_HEAD):
        return projects.filter(status__in=[S.RETURNED, S.DRAFT, S.ADJUSTING])
    return projects.none()


# --- Deadlines: the filing round's close date and the days left ----------------------------


@dataclass(frozen=True)
class Deadline:
    year: int
    opens_on: date
    closes_on: date
    reopened: bool
    today: date

    @property
    def days_left(self) -> int:
        """Days until the close, the close day counted (0 = closes today, < 0 = closed)."""
        return (self.closes_on - self.today).days

    @property
    def is_open(self) -> bool:
        return self.opens_on <= self.today and (self.days_left >= 0 or self.reopened)

    @property
    def elapsed_percent(self) -> int:
        """How much of the round's time has gone (0–100)."""
        span = (self.closes_on - self.opens_on).days + 1
        gone = (self.today - self.opens_on).days + 1
        return max(0, min(100, round(100 * gone / span)))

    @property
    def text(self) -> str:
        close = f"{self.closes_on:%Y年%m月%d日}"
        if self.today < self.opens_on:
            return f"{self.year} 年度申报自 {self.opens_on:%Y年%m月%d日} 开始，{close} 截止"
        if self.days_left > 0:
            return f"{self.year} 年度申报 {close} 截止，还剩 {self.days_left} 天"
        if self.days_left == 0:
            return f"{self.year} 年度申报今天（{close}）截止"
        if self.reopened:
            return f"{self.year} 年度申报已于 {close} 截止，现已重新开放补报"
        return f"{self.year} 年度申报已于 {close} 截止"

    @property
    def urgent(self) -> bool:
        return self.is_open and 0 <= self.days_left <= 7


def _deadline(filing_round) -> Deadline:
    return Deadline(
        year=filing_round.budget_year.year,
        opens_on=filing_round.opens_on,
        closes_on=filing_round.closes_on,
        reopened=filing_round.reopened,
        today=timezone.localdate(),
    )


def deadline_for_year(budget_year) -> Deadline | None:
    """The round of ``budget_year``; without a year, the round closing next (else the
    latest one), so that an unfiltered list still shows what is due."""
    rounds = FilingRound.objects.select_related("budget_year")
    if budget_year is not None:
        found = rounds.filter(budget_year=budget_year).first()
    else:
        today = timezone.localdate()
        found = (
            rounds.filter(closes_on__gte=today).order_by("closes_on").first()
            or rounds.order_by("-closes_on").first()
        )
    return _deadline(found) if found else None
