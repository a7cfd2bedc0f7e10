"""Departments, teams, shifts, people, the enterprise's settings and one's own account."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from blueprints.auth import services as auth_services
from blueprints.common import clock, refusal
from blueprints.common.access import get_owned, roles_required
from blueprints.common.inputs import page_number, row_id
from blueprints.common.web import commit, render, save
from blueprints.org import forms, services
from blueprints.org.models import CalendarDay, Department, Role, Shift, Team, User

bp = Blueprint("org", __name__)

manager_only = roles_required(*services.MANAGERS)


def _page(template: str, **context):
    return render_template(template, **context), refusal.status()


def _outcome(page, row, change, success_url: str, message: str):
    """The end of a button that acts on a row: on success back to success_url, on a
    refusal the row's own page with the reason."""
    try:
        commit(change)
    except refusal.Refused as refused:
        return page(row, errors=refused.messages, status=refused.status)
    flash(message, "success")
    return redirect(success_url)


def _state_change(row, page, edit_url: str, gone_url: str):
    """Deactivate, reactivate or (for a row nothing refers to) delete."""
    if request.form.get("action") == "delete":
        return _outcome(page, row, lambda: services.delete(row, current_user.id), gone_url,
                        _("Deleted."))
    active = request.form.get("active") == "1"
    return _outcome(page, row, lambda: services.set_active(row, active, current_user.id),
                    edit_url, _("Saved."))


# --- people ---------------------------------------------------------------------------------

@bp.route("/org/users")
@manager_only
def users():
    wanted = services.UserFilter(q=request.args.get("q", ""),
                                 department_id=request.args.get("department", type=row_id),
                                 role=Role.lookup(request.args.get("role")) or "",
                                 page=request.args.get("page", 1, type=page_number))
    page = services.search_users(current_user.enterprise_id, wanted)
    return render("org/users.html", "org/_user_list.html", page=page, wanted=wanted,
                  departments=services.departments(current_user.enterprise_id), roles=list(Role))


def _user_form(form_class, user=None):
    form = form_class(obj=user)
    enterprise_id = current_user.enterprise_id
    current = forms.unit_value(user) if user else None
    form.set_units(services.departments(enterprise_id), services.teams(enterprise_id), current)
    if user is not None and not form.is_submitted():
        form.unit.data = current
    return form


def _user_data(form) -> services.UserData:
    team_id, department_id = form.placement()
    return services.UserData(employee_no=form.employee_no.data, name=form.name.data,
                             role=form.role.data, mobile=form.mobile.data or "",
                             team_id=team_id, department_id=department_id,
                             password=form.password.data if "password" in form else None)


@bp.route("/org/users/new", methods=["GET", "POST"])
@manager_only
def new_user():
    form = _user_form(forms.NewUserForm)
    user = save(form, lambda: services.save_user(current_user.enterprise_id, _user_data(form),
                                                  current_user.id))
    if user:
        flash(_("%(name)s was added.", name=user.name), "success")
        return redirect(url_for("org.users"))
    return _page("org/user_new.html", form=form)


def _user_page(user, form=None, password_form=None, errors=(), status=200):
    return render_template(
        "org/user_edit.html", user=user, form=form or _user_form(forms.UserForm, user),
        password_form=password_form or forms.ResetPasswordForm(formdata=None),
        may_delete=services.may_delete(user), errors=errors), status


@bp.route("/org/users/<int:user_id>", methods=["GET", "POST"])
@manager_only
def edit_user(user_id):
    user = get_owned(User, user_id)
    form = _user_form(forms.UserForm, user)
    if save(form, lambda: services.save_user(user.enterprise_id, _user_data(form),
                                              current_user.id, user)):
        flash(_("Saved."), "success")
        return redirect(url_for("org.users"))
    return _user_page(user, form=form, status=refusal.status())


@bp.route("/org/users/<int:user_id>/password", methods=["POST"])
@manager_only
def reset_password(user_id):
    user = get_owned(User, user_id)
    form = forms.ResetPasswordForm()
    if save(form, lambda: services.reset_password(user, form.password.data, current_user.id)):
        if user.id == current_user.id:
            auth_services.renew_login(user)
        flash(_("The new password is set. Tell it to %(name)s in person.", name=user.name),
              "success")
        return redirect(url_for("org.edit_user", user_id=user.id))
    return _user_page(user, password_form=form, status=400)


@bp.route("/org/users/<int:user_id>/state", methods=["POST"])
@manager_only
def user_state(user_id):
    user = get_owned(User, user_id)
    return _state_change(user, _user_page, url_for("org.edit_user", user_id=user.id),
                         url_for("org.users"))


# --- departments ----------------------------------------------------------------------------

@bp.route("/org/departments")
@manager_only
def departments():
    return render_template("org/departments.html",
                           departments=services.departments(current_user.enterprise_id),
                           past_midnight=services.runs_past_midnight)


@bp.route("/org/departments/new", methods=["GET", "POST"])
@manager_only
def new_department():
    form = forms.DepartmentForm()
    if save(form, lambda: services.save_department(current_user.enterprise_id, form.name.data,
                                                    current_user.id)):
        flash(_("Saved."), "success")
        return redirect(url_for("org.departments"))
    return _page("org/department_edit.html", form=form, department=None)


def _department_page(department, form=None, errors=(), status=200):
    return render_template("org/department_edit.html", department=department,
                           form=form or forms.DepartmentForm(obj=department),
                           may_delete=services.may_delete(department), errors=errors), status


@bp.route("/org/departments/<int:department_id>", methods=["GET", "POST"])
@manager_only
def edit_department(department_id):
    department = get_owned(Department, department_id)
    form = forms.DepartmentForm(obj=department)
    if save(form, lambda: services.save_department(department.enterprise_id, form.name.data,
                                                    current_user.id, department)):
        flash(_("Saved."), "success")
        return redirect(url_for("org.departments"))
    return _department_page(department, form, status=refusal.status())


@bp.route("/org/departments/<int:department_id>/state", methods=["POST"])
@manager_only
def department_state(department_id):
    department = get_owned(Department, department_id)
    return _state_change(department, _department_page,
                         url_for("org.edit_department", department_id=department.id),
                         url_for("org.departments"))


# --- teams and shifts -----------------------------------------------------------------------

def _team_form(team=None):
    form = forms.TeamForm(obj=team)
    forms.set_departments(form.department_id, [
        d for d in services.departments(current_user.enterprise_id)
        if d.active or (team and d.id == team.department_id)])
    if team is None and not form.is_submitted():
        form.department_id.data = request.args.get("department", type=row_id)
    return form


def _team_data(form) -> services.TeamData:
    return services.TeamData(name=form.name.data, department_id=form.department_id.data)


@bp.route("/org/teams/new", methods=["GET", "POST"])
@manager_only
def new_team():
    form = _team_form()
    team = save(form, lambda: services.save_team(current_user.enterprise_id, _team_data(form),
                                                  current_user.id))
    if team:
        flash(_("Saved. Now add the team's shifts, if it works in shifts."), "success")
        return redirect(url_for("org.edit_team", team_id=team.id))
    return _page("org/team_new.html", form=form)


def _team_page(team, form=None, shift_form=None, errors=(), status=200):
    return render_template("org/team_edit.html", team=team, form=form or _team_form(team),
                           shift_form=shift_form or forms.ShiftForm(formdata=None),
                           may_delete=services.may_delete(team), errors=errors,
                           past_midnight=services.runs_past_midnight), status


@bp.route("/org/teams/<int:team_id>", methods=["GET", "POST"])
@manager_only
def edit_team(team_id):
    team = get_owned(Team, team_id)
    form = _team_form(team)
    if save(form, lambda: services.save_team(team.enterprise_id, _team_data(form),
                                              current_user.id, team)):
        flash(_("Saved."), "success")
        return redirect(url_for("org.departments"))
    return _team_page(team, form=form, status=refusal.status())


@bp.route("/org/teams/<int:team_id>/state", methods=["POST"])
@manager_only
def team_state(team_id):
    team = get_owned(Team, team_id)
    return _state_change(team, _team_page, url_for("org.edit_team", team_id=team.id),
                         url_for("org.departments"))


def _shift_data(form) -> services.ShiftData:
    return services.ShiftData(name=form.name.data, start=form.start.data, end=form.end.data)


@bp.route("/org/teams/<int:team_id>/shifts", methods=["POST"])
@manager_only
def add_shift(team_id):
    team = get_owned(Team, team_id)
    form = forms.ShiftForm()
    if save(form, lambda: services.save_shift(team, _shift_data(form), current_user.id)):
        flash(_("Saved."), "success")
        return redirect(url_for("org.edit_team", team_id=team.id))
    return _team_page(team, shift_form=form, status=400)


def _shift_page(shift, form=None, errors=(), status=200):
    return render_template("org/shift_edit.html", shift=shift,
                           form=form or forms.ShiftForm(obj=shift), errors=errors,
                           may_delete=services.may_delete(shift)), status


@bp.route("/org/shifts/<int:shift_id>", methods=["GET", "POST"])
@manager_only
def edit_shift(shift_id):
    shift = get_owned(Shift, shift_id)
    form = forms.ShiftForm(obj=shift)
    if save(form, lambda: services.save_shift(shift.team, _shift_data(form), current_user.id,
                                               shift)):
        flash(_("Saved."), "success")
        return redirect(url_for("org.edit_team", team_id=shift.team_id))
    return _shift_page(shift, form, status=refusal.status())


@bp.route("/org/shifts/<int:shift_id>/delete", methods=["POST"])
@manager_only
def delete_shift(shift_id):
    """Shifts have no inactive state: one that records refer to stays."""
    shift = get_owned(Shift, shift_id)
    return _outcome(_shift_page, shift, lambda: services.delete(shift, current_user.id),
                    url_for("org.edit_team", team_id=shift.team_id), _("Deleted."))


# --- the enterprise's settings and one's own account ----------------------------------------

@bp.route("/org/settings", methods=["GET", "POST"])
@roles_required(*services.SETTINGS_EDITORS)
def settings():
    enterprise = current_user.enterprise
    form = forms.SettingsForm(obj=enterprise)

    def change():
        values = {name: form[name].data
                  for name in ("name", "timezone", "scoring_method", "check_within_hours",
                              "certificate_warning_days",
                               *services.BAND_FIELDS, *services.FIX_DAYS_FIELDS,
                               *services.BRIEFING_FIELDS)}
        return services.update_settings(enterprise, services.SettingsData(**values),
                                        current_user.id)

    if save(form, change):
        flash(_("Saved. Existing risk points keep their grade until they are scored again."),
              "success")
        return redirect(url_for("org.settings"))
    return _page("org/settings.html", form=form)


def _calendar_year(value: str) -> int:
    """type= for ?year=: years 2000 to 2099, like every date people enter."""
    year = int(value)
    if not clock.EARLIEST.year <= year < clock.LATEST.year:
        raise ValueError(value)
    return year


@bp.route("/org/calendar", methods=["GET", "POST"])
@roles_required(*services.SETTINGS_EDITORS)
def calendar():
    enterprise = current_user.enterprise
    this_year = clock.to_local(clock.now(), enterprise.timezone).year
    year = request.args.get("year", this_year, type=_calendar_year)
    form = forms.CalendarDayForm()
    row = save(form, lambda: services.save_calendar_day(
        enterprise.id, form.day.data, form.kind.data, form.name.data or "", current_user.id))
    if row:
        flash(_("Saved."), "success")
        return redirect(url_for("org.calendar", year=row.day.year))
    return _page("org/calendar.html", form=form, year=year, this_year=this_year,
                 days=services.calendar_days(enterprise.id, year))


@bp.route("/org/calendar/<int:calendar_day_id>/delete", methods=["POST"])
@roles_required(*services.SETTINGS_EDITORS)
def delete_calendar_day(calendar_day_id):
    row = get_owned(CalendarDay, calendar_day_id)
    year = row.day.year
    commit(lambda: services.delete_calendar_day(row, current_user.id))
    flash(_("Deleted."), "success")
    return redirect(url_for("org.calendar", year=year))


@bp.route("/account", methods=["GET", "POST"])
def account():
    form = forms.OwnPasswordForm()
    if save(form, lambda: services.change_own_password(current_user, form.current.data,
                                                         form.new.data)):
        auth_services.renew_login(current_user._get_current_object())
        flash(_("Your password is changed."), "success")
        return redirect(url_for("org.account"))
    return _page("org/account.html", form=form,
                 may_edit_settings=current_user.has_role(*services.SETTINGS_EDITORS),
                 may_manage=current_user.has_role(*services.MANAGERS))
