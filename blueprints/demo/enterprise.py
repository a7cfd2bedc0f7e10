"""A realistic demo enterprise: a Shandong chemical plant with two workshops,
a tank farm, shifts round the clock, and risk points in all four colours."""
from datetime import time, timedelta

from blueprints.common import clock
from blueprints.common.extensions import db
from blueprints.demo import briefings as demo_briefings
from blueprints.demo import certificates as demo_certificates
from blueprints.demo import history as demo_history
from blueprints.demo import lessons as demo_lessons
from blueprints.demo import reports as demo_reports
from blueprints.demo import summaries as demo_summaries
from blueprints.org.models import Department, Enterprise, Role, Shift, Team, User
from blueprints.risk_points import services as rp
from blueprints.risk_points.services import ItemData as I

DEMO_PASSWORD = "zicha2026"

DEPARTMENTS = ["合成车间", "罐区储运部", "设备动力部", "安全环保部", "综合办公室"]

# team, department, shifts [(name, start, end)]
TEAMS = [
    ("合成甲班", "合成车间", [("白班", time(8), time(20))]),
    ("合成乙班", "合成车间", [("夜班", time(20), time(8))]),
    ("罐区班", "罐区储运部", [("白班", time(8), time(16)), ("中班", time(16), time(0)),
                        ("夜班", time(0), time(8))]),
    ("电气维修班", "设备动力部", []),
]

# employee no, name, mobile, role, team or department
USERS = [
    ("A001", "周建国", "13800000001", Role.ADMIN, None, "综合办公室"),
    ("P001", "刘振华", "13800000002", Role.PRINCIPAL, None, "综合办公室"),
    ("S001", "王安平", "13800000003", Role.SAFETY_DIRECTOR, None, "安全环保部"),
    ("S002", "李晓燕", "13800000004", Role.SAFETY_OFFICER, None, "安全环保部"),
    ("D001", "张德胜", "13800000005", Role.DEPT_HEAD, None, "合成车间"),
    ("D002", "孙立军", "13800000006", Role.DEPT_HEAD, None, "罐区储运部"),
    ("D003", "马文涛", "13800000007", Role.DEPT_HEAD, None, "设备动力部"),
    ("T001", "赵铁柱", "13800000008", Role.TEAM_LEADER, "合成甲班", None),
    ("T002", "钱红梅", "13800000009", Role.TEAM_LEADER, "合成乙班", None),
    ("T003", "陈志强", "13800000010", Role.TEAM_LEADER, "罐区班", None),
    ("W001", "刘大勇", "13800000011", Role.WORKER, "合成甲班", None),
    ("W002", "杨春生", "13800000012", Role.WORKER, "合成甲班", None),
    ("W003", "黄小兵", "13800000013", Role.WORKER, "合成乙班", None),
    ("W004", "吴海波", "13800000014", Role.WORKER, "罐区班", None),
    ("W005", "郑秀英", "13800000015", Role.WORKER, "罐区班", None),
    ("W006", "冯国庆", "13800000016", Role.WORKER, "电气维修班", None),
]

SHIFT, DAILY, WEEKLY, MONTHLY, HOURS = "shift", "daily", "weekly", "monthly", "hours"
TEAM, WORKSHOP, ENTERPRISE = "team", "workshop", "enterprise"

# code, name, location, department, team, responsible, control level, (L, E, C),
# hazard factors, accident types, control measures, checklist items.
# D = L×E×C gives every colour: red FX-001, 002, 006, 008; orange FX-003; yellow FX-005;
# blue the rest. FX-002 is 合成车间's red point: 合成甲班 (T001, W001) checks it every shift,
# D001 weekly. 安全环保部 has no department head on purpose: the workshop checks of FX-006
# (a red confined space) and FX-010 show the officer and the director a check nobody holds.
POINTS = [
    ("FX-001", "液氨储罐区", "罐区东侧", "罐区储运部", "罐区班", "D002", "company", (3, 6, 40),
     "液氨泄漏；储罐超压；安全阀失效", "中毒和窒息、火灾、容器爆炸",
     "压力、液位远传报警；可燃有毒气体检测报警；喷淋吸收系统；每班巡检",
     [I("储罐压力表读数在正常范围（≤1.6MPa）", "压力<1.6MPa，指针无抖动", HOURS, 2),
      I("液位计显示正常、无假液位", "液位20%–85%"),
      I("有毒气体报警仪无报警、指示灯正常"),
      I("阀门、法兰无泄漏、无结霜"),
      I("喷淋水系统阀门处于备用状态", frequency=DAILY),
      I("围堰完好、排水阀关闭", frequency=WEEKLY, level=WORKSHOP),
      I("安全阀校验在有效期内", frequency=MONTHLY, level=ENTERPRISE)]),
    ("FX-002", "合成反应釜 R-101", "合成车间一层", "合成车间", "合成甲班", "D001", "company", (3, 6, 40),
     "反应失控；搅拌故障；冷却水中断", "火灾、爆炸、灼烫",
     "温度压力联锁；紧急冷却；双人操作确认",
     [I("釜内温度在工艺指标内（≤85℃）", "温度≤85℃"),
      I("冷却水进出口压力正常"),
      I("搅拌电机运行无异响、无过热"),
      I("紧急切断阀处于自动状态"),
      I("联锁系统未被摘除", frequency=WEEKLY, level=WORKSHOP)]),
    ("FX-003", "导热油炉", "合成车间北侧", "合成车间", "合成乙班", "D001", "department", (1, 6, 40),
     "导热油泄漏；炉管过热；燃烧器故障", "火灾、灼烫", "出口温度联锁；巡检；定期检测油品",
     [I("导热油出口温度≤280℃"), I("膨胀槽液位正常"), I("燃烧器火焰稳定"),
      I("炉体、管道无渗漏")]),
    ("FX-004", "10kV 配电室", "动力站二层", "设备动力部", "电气维修班", "D003", "team", (1, 3, 15),
     "带电体裸露；绝缘老化；小动物进入", "触电、火灾",
     "五防联锁；挡鼠板；绝缘用具定期检验",
     [I("门口挡鼠板完好", frequency=DAILY), I("绝缘垫、绝缘手套在有效期内", frequency=DAILY),
      I("柜体无异常声响、异味", frequency=DAILY), I("灭火器压力正常", frequency=DAILY)]),
    ("FX-005", "叉车作业区", "成品库", "罐区储运部", "罐区班", "D002", "team", (3, 6, 7),
     "超速；视线不良；人车混行", "车辆伤害", "限速5km/h；人车分流；持证上岗",
     [I("叉车司机持证上岗"), I("叉车灯光、喇叭、制动正常"), I("人行通道标线清晰")]),
    ("FX-006", "污水处理池（有限空间）", "厂区西南角", "安全环保部", None, "S002", "company", (1, 6, 100),
     "硫化氢积聚；缺氧", "中毒和窒息、淹溺", "作业审批；先通风再检测后作业；专人监护",
     [I("有限空间警示标志完好", frequency=DAILY, level=WORKSHOP),
      I("井盖、护栏完好并上锁", frequency=DAILY, level=WORKSHOP),
      I("气体检测仪在校验有效期内", frequency=MONTHLY, level=ENTERPRISE)]),
    ("FX-007", "空压机房", "动力站一层", "设备动力部", "电气维修班", "D003", "post", (1, 2, 7),
     "储气罐超压；噪声", "容器爆炸、机械伤害", "安全阀定期校验；护罩完好",
     [I("储气罐压力正常", frequency=DAILY), I("皮带护罩完好", frequency=DAILY)]),
    ("FX-008", "危化品仓库", "仓储区3号库", "罐区储运部", "罐区班", "D002", "company", (3, 3, 40),
     "禁忌物混存；通风不良；静电", "火灾、爆炸、中毒", "分区分类存放；防爆电器；温湿度监测",
     [I("库内温度≤30℃、湿度正常"), I("禁忌物分开存放"), I("防爆灯具、开关完好"),
      I("静电接地完好", frequency=WEEKLY, level=WORKSHOP)]),
    ("FX-009", "桥式起重机", "合成车间检修跨", "合成车间", "合成甲班", "D001", "team", (1, 3, 15),
     "钢丝绳断丝；限位失效", "起重伤害", "作业前检查；持证指挥",
     [I("钢丝绳无断股、无变形"), I("上升限位有效"), I("吊钩防脱钩装置完好")]),
    ("FX-010", "消防泵房", "厂区北门", "安全环保部", None, "S002", "post", (0.5, 2, 15),
     "消防泵不能启动", "火灾扩大", "每周试泵；双电源",
     [I("消防泵处于自动状态", frequency=WEEKLY, level=WORKSHOP),
      I("管网压力≥0.5MPa", frequency=WEEKLY, level=WORKSHOP)]),
]


# 风险类别 of the points that are no piece of equipment (the others are).
KINDS = {"FX-001": "place", "FX-005": "activity", "FX-006": "activity", "FX-008": "place"}


def load() -> Enterprise:
    enterprise = Enterprise(code="luan", name="山东鲁安化工有限公司")
    db.session.add(enterprise)
    db.session.flush()
    departments = {}
    for name in DEPARTMENTS:
        departments[name] = Department(enterprise_id=enterprise.id, name=name)
        db.session.add(departments[name])
    db.session.flush()
    teams = {}
    for name, department, shifts in TEAMS:
        team = Team(enterprise_id=enterprise.id, name=name, department_id=departments[department].id)
        db.session.add(team)
        db.session.flush()
        for shift_name, start, end in shifts:
            db.session.add(Shift(enterprise_id=enterprise.id, team_id=team.id, name=shift_name,
                                 start=start, end=end))
        teams[name] = team
    users = {}
    for number, name, mobile, role, team, department in USERS:
        user = User(enterprise_id=enterprise.id, employee_no=number, name=name, mobile=mobile,
                    role=role, team_id=teams[team].id if team else None,
                    department_id=departments[department].id if department
                    else teams[team].department_id)
        user.set_password(DEMO_PASSWORD)
        db.session.add(user)
        users[number] = user
    db.session.flush()
    # The enterprise and its points were set up before the weeks of history, so a period
    # missed then counts (a check, a briefing).
    set_up = clock.now() - timedelta(days=demo_history.DAYS)
    enterprise.created_at = set_up
    for (code, name, location, department, team, responsible, level, lec, factors, accidents,
         measures, items) in POINTS:
        point = rp.create_risk_point(enterprise, rp.RiskPointData(
            code=code, name=name, location=location, kind=KINDS.get(code, "equipment"),
            department_id=departments[department].id,
            team_id=teams[team].id if team else None, responsible_user_id=users[responsible].id,
            control_level=level, hazard_factors=factors, accident_types=accidents,
            control_measures=measures, lec=lec, items=items),
            actor_id=users["S002"].id)
        for row in (point, *point.checklist_versions):
            row.created_at = set_up
    db.session.flush()
    demo_history.load_history(enterprise)
    demo_briefings.load_briefings(enterprise)
    demo_lessons.load_lessons(enterprise)
    demo_certificates.load_certificates(enterprise)
    demo_reports.load_reports(enterprise)
    demo_summaries.load_summaries(enterprise)
    return enterprise


def logins_text() -> str:
    lines = [f"Demo logins (password {DEMO_PASSWORD}; enterprise code luan):"]
    for number, name, _mobile, role, team, department in USERS:
        lines.append(f"  {number:5} {name}  {role.value:16} {team or department}")
    return "\n".join(lines)
