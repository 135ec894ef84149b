"""The explanatory text of the book, its figures computed from the entries, never typed.

Only the words around the figures are typed by the unit (duties, organisation, the
purpose of each 科目 and the reasons for the changes); every amount, change and
percentage in the text is computed here from the same Book as the tables.
"""

from dataclasses import dataclass
from decimal import Decimal

from apps.unit_budgets.selectors import ZERO, Book, percent, wan

TERMS = [
    "（一）基本支出预算：是区级预算主管部门及所属预算单位为保障其机构正常运转、完成日常工作任务"
    "而编制的年度基本支出计划，包括人员经费和公用经费两部分。",
    "（二）项目支出预算：是区级预算主管部门及所属预算单位为完成行政工作任务、事业发展目标或政府发展"
    "战略、特定目标，在基本支出之外编制的年度支出计划。",
    "（三）“三公”经费：是与区级财政有经费领拨关系的部门及其下属预算单位使用区级财政拨款安排的因公"
    "出国（境）费、公务用车购置及运行费、公务接待费。其中：因公出国（境）费主要安排机关及下属预算单位"
    "人员的国际合作交流、重大项目洽谈、境外培训研修等的国际旅费、国外城市间交通费、住宿费、伙食费、"
    "培训费、公杂费等支出；公务接待费主要安排全国性专业会议、国家重大政策调研、专项检查以及外事团组"
    "接待交流等执行公务或开展业务所需住宿费、交通费、伙食费等支出；公务用车购置及运行费主要安排编制内"
    "公务车辆的报废更新，以及用于安排市内因公出差、公务文件交换、日常工作开展等所需公务用车燃料费、"
    "维修费、过路过桥费、保险费等支出。",
    "（四）机关运行经费：指行政单位和参照公务员法管理的事业单位使用一般公共预算财政拨款安排的基本"
    "支出中的日常公用经费支出。",
]


def fmt_wan(value: Decimal) -> str:
    """万元 as the book prints them in running text: 10473.35, 0."""
    return "0" if value == 0 else f"{value:.2f}"


@dataclass
class Change:
    """This year's figure against last year's, in 元; ``previous`` None when not known."""

    current: Decimal
    previous: Decimal | None

    @property
    def known(self) -> bool:
        return self.previous is not None

    @property
    def amount(self) -> Decimal | None:
        """The change in 万元 (negative: a decrease)."""
        return None if self.previous is None else wan(self.current - self.previous)

    @property
    def percent(self) -> Decimal | None:
        if self.previous is None or self.previous == 0:
            return None
        return percent(self.current - self.previous, self.previous)

    def words(self, year: int, with_percent: bool) -> str:
        """“比2019年预算减少38.45万元，下降0.70%” — or “比2019年预算持平”."""
        if self.previous is None:
            return f"{year - 1}年预算数未填，未计算变化"
        delta = self.current - self.previous
        if delta == 0:
            return f"比{year - 1}年预算持平"
        more = delta > 0
        size = f"{fmt_wan(abs(self.amount))}万元" if self.amount else "不足0.01万元"
        text = f"比{year - 1}年预算{'增加' if more else '减少'}{size}"
        if with_percent and self.percent is not None:
            text += f"，{'增长' if more else '下降'}{abs(self.percent)}%"
        return text


def _because(reason: str, change: "Change") -> str:
    """The unit's typed reason, attached only to a change that was computed."""
    if not reason or change.previous is None or change.current == change.previous:
        return ""
    return f"，主要原因是{reason}"


@dataclass
class Explanation:
    """The figures of the explanation, and its paragraphs."""

    book: Book

    @property
    def _budget(self):
        return self.book.budget

    def _prev(self, name: str) -> Decimal | None:
        return getattr(self._budget, name) if self._budget else None

    # Figures (元 unless said otherwise)
    @property
    def total(self) -> Decimal:
        return self.book.expenditure()

    @property
    def fiscal(self) -> Decimal:
        return self.general + self.fund

    @property
    def general(self) -> Decimal:
        return self.book.expenditure("general")

    @property
    def fund(self) -> Decimal:
        return self.book.expenditure("fund")

    @property
    def basic(self) -> Change:
        return Change(self.book.fiscal("basic"), self._prev("prev_basic"))

    @property
    def project(self) -> Change:
        return Change(self.book.fiscal("project"), self._prev("prev_project"))

    def items(self) -> list[tuple[str, Decimal, str]]:
        """(科目名称, 财政拨款支出, 用途) of each 项 with fiscal spending, in code order."""
        out = []
        spending = self.book.entries.spending
        general, fund = spending("general"), spending("fund")
        for code in sorted(set(general) | set(fund)):
            amount = sum(general.get(code, []), ZERO) + sum(fund.get(code, []), ZERO)
            if amount:
                name = self.book.name("function", code)
                out.append((name, amount, "；".join(self.book.entries.purposes(code))))
        return out

    @property
    def three_costs(self):
        return self.book.table_three_costs()

    @property
    def three_changes(self) -> dict[str, Change]:
        t = self.three_costs
        prev = {f: self._prev(f"prev_{f}") for f in ("abroad", "reception", "vehicle")}
        known = all(v is not None for v in prev.values())
        return {
            "total": Change(t.total, sum(prev.values(), ZERO) if known else None),
            "abroad": Change(t.abroad, prev["abroad"]),
            "vehicle": Change(t.vehicle, prev["vehicle"]),
            "reception": Change(t.reception, prev["reception"]),
        }

    @property
    def procurement(self) -> list[Decimal]:
        """总额, 货物, 工程, 服务."""
        b = self._budget
        if b is None:
            return [ZERO] * 4
        parts = [b.procurement_goods, b.procurement_works, b.procurement_services]
        return [sum(parts, ZERO), *parts]

    @property
    def project_count(self) -> int:
        return len(self.book.projects)

    @property
    def projects_total(self) -> Decimal:
        return self.book.tie().projects_total

    # Paragraphs
    def budget_paragraphs(self) -> list[str]:
        """四、单位预算编制说明."""
        y, b = self.book.year, self._budget
        unit = self.book.unit.name
        first = (
            f"{y}年，{unit}预算支出总额为{fmt_wan(wan(self.total))}万元，其中：财政拨款支出预算"
            f"{fmt_wan(wan(self.fiscal))}万元。财政拨款支出预算中，一般公共预算拨款支出预算"
            f"{fmt_wan(wan(self.general))}万元，政府性基金拨款支出预算{fmt_wan(wan(self.fund))}万元，"
            f"本单位{y}年无国有资本经营预算财政拨款安排的预算。财政拨款支出预算中，基本支出预算"
            f"{fmt_wan(wan(self.basic.current))}万元，{self.basic.words(y, True)}"
            f"{_because(b.reason_basic if b else '', self.basic)}；项目支出预算"
            f"{fmt_wan(wan(self.project.current))}万元，{self.project.words(y, True)}"
            f"{_because(b.reason_project if b else '', self.project)}。财政拨款支出主要内容如下："
        )
        items = [
            f"{i}、“{name}”科目{fmt_wan(wan(amount))}万元{'，' + purpose if purpose else ''}。"
            for i, (name, amount, purpose) in enumerate(self.items(), start=1)
        ]
        return [first, *items]

    def other_paragraphs(self) -> list[tuple[str, list[str]]]:
        """六、其他相关情况说明: (heading, paragraphs)."""
        y, b = self.book.year, self._budget
        t, ch = self.three_costs, self.three_changes
        three = [
            f"{y}年“三公”经费预算数为{fmt_wan(wan(t.total))}万元，{ch['total'].words(y, False)}。其中：",
            f"（一）因公出国（境）费{fmt_wan(wan(t.abroad))}万元，{ch['abroad'].words(y, False)}"
            f"{_because(b.reason_abroad if b else '', ch['abroad'])}。",
            f"（二）公务用车购置及运行费{fmt_wan(wan(t.vehicle))}万元，"
            f"{ch['vehicle'].words(y, False)}{_because(b.reason_vehicle if b else '', ch['vehicle'])}。",
            f"（三）公务接待费{fmt_wan(wan(t.reception))}万元，{ch['reception'].words(y, False)}"
            f"{_because(b.reason_reception if b else '', ch['reception'])}。",
        ]
        office = Change(t.office_running, self._prev("prev_office_running"))
        if t.office_running:
            running = [
                f"{y}年本单位机关运行经费预算{fmt_wan(wan(t.office_running))}万元，"
                f"{office.words(y, True)}。"
            ]
        elif office.previous:  # down to nothing: the decrease is still news
            running = [f"{y}年本单位无机关运行经费，{office.words(y, False)}。"]
        else:
            running = [f"{y}年本单位无机关运行经费。"]
        total, goods, works, services = self.procurement
        procurement = [
            f"{y}年度本单位政府采购预算{fmt_wan(wan(total))}万元，其中：政府采购货物预算"
            f"{fmt_wan(wan(goods))}万元、政府采购工程预算{fmt_wan(wan(works))}万元、政府采购服务预算"
            f"{fmt_wan(wan(services))}万元。"
        ]
        targets = [
            f"{y}年度，本单位编报绩效目标的项目共{self.project_count}个，涉及项目预算资金"
            f"{fmt_wan(wan(self.projects_total))}万元。"
        ]
        return [
            (f"一、{y}年“三公”经费预算情况说明", three),
            ("二、机关运行经费预算", running),
            ("三、政府采购情况", procurement),
            ("四、绩效目标设置情况", targets),
        ]
