"""A rule written once, as a SQLAlchemy condition on a model's columns, is both the SQL
filter of a list and, evaluated on one loaded row, the Python check of that row: the list
and the check can't disagree. Only what rules here need is understood (and, or, not,
comparisons, IN, IS [NOT] NULL, constants); anything else raises rather than guessing.

NULL follows SQL: a comparison with a missing value is unknown (None), and a row is
accepted only where the condition is true, as a WHERE clause would."""
import operator

from sqlalchemy import inspect
from sqlalchemy.sql import elements, operators

_COMPARISONS = {
    operators.eq: operator.eq, operators.ne: operator.ne,
    operators.lt: operator.lt, operators.le: operator.le,
    operators.gt: operator.gt, operators.ge: operator.ge,
    operators.in_op: lambda value, values: value in values,
    operators.not_in_op: lambda value, values: value not in values,
}


def holds(condition, row) -> bool:
    """Whether the row would be selected by `select(...).where(condition)`."""
    return _value(condition, row) is True


def _all(values):
    if False in values:
        return False
    return None if None in values else True


def _any(values):
    if True in values:
        return True
    return None if None in values else False


def _value(clause, row):
    if isinstance(clause, elements.BooleanClauseList):
        values = [_value(part, row) for part in clause.clauses]
        if clause.operator is operators.and_:
            return _all(values)
        if clause.operator is operators.or_:
            return _any(values)
    elif isinstance(clause, elements.BinaryExpression):
        left, right = _value(clause.left, row), _value(clause.right, row)
        if clause.operator is operators.is_:
            return left is right
        if clause.operator is operators.is_not:
            return left is not right
        if clause.operator in _COMPARISONS:
            return None if left is None or right is None else _COMPARISONS[clause.operator](left, right)
    elif isinstance(clause, elements.UnaryExpression) and clause.operator is operators.inv:
        value = _value(clause.element, row)
        return None if value is None else not value
    elif isinstance(clause, elements.AsBoolean):  # what and_() makes of a lone constant
        value = _value(clause.element, row)
        return value if clause.operator is operators.is_true or value is None else not value
    elif isinstance(clause, elements.Grouping):
        return _value(clause.element, row)
    elif isinstance(clause, elements.BindParameter):
        return clause.effective_value
    elif isinstance(clause, elements.True_):
        return True
    elif isinstance(clause, elements.False_):
        return False
    elif isinstance(clause, elements.Null):
        return None
    elif isinstance(clause, elements.ColumnElement) and "parententity" in clause._annotations:
        return getattr(row, inspect(type(row)).get_property_by_column(clause).key)
    raise TypeError(f"a rule can't be evaluated in Python: {clause!r}")
