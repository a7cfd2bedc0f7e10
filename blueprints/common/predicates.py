"""A rule written once, as a SQLAlchemy condition on a model's columns, is both the SQL
filter of a list and, evaluated on one loaded row, the Python check of that row: the list
and the check can't disagree. Only what rules here need is understood (and, or, not,
comparisons, IN, IS [NOT] NULL, constants); anything else raises rather than guessing.

NULL follows SQL: a comparison with a missing value is unknown (None), and a row is
accepted only where the condition is true, as a WHERE clause would."""
import operator
from collections import OrderedDict

from sqlalchemy.sql import elements, operators

_COMPARISONS = {
    operators.eq: operator.eq, operators.ne: operator.ne,
    operators.lt: operator.lt, operators.le: operator.le,
    operators.gt: operator.gt, operators.ge: operator.ge,
    operators.in_op: lambda value, values: value in values,
    operators.not_in_op: lambda value, values: value not in values,
}

# Compiled checks of the conditions used lately, by the condition's id; the condition is
# kept with its check, so that its id is not reused while the entry lives. A caller that
# builds the same condition object again (a cached rule) skips compiling.
_COMPILED: OrderedDict[int, tuple] = OrderedDict()
_COMPILED_MAX = 512


def holds(condition, row) -> bool:
    """Whether the row would be selected by `select(...).where(condition)`."""
    return _compiled(condition)(row) is True


def _compiled(condition):
    entry = _COMPILED.get(id(condition))
    if entry is None or entry[0] is not condition:
        entry = _COMPILED[id(condition)] = (condition, _compile(condition))
        if len(_COMPILED) > _COMPILED_MAX:
            _COMPILED.popitem(last=False)
    return entry[1]


def _all(values):
    if False in values:
        return False
    return None if None in values else True


def _any(values):
    if True in values:
        return True
    return None if None in values else False


def _constant(value):
    return lambda _row: value


def _compile(clause):
    """The condition as a function of one row, answering True, False or None (unknown)."""
    if isinstance(clause, elements.BooleanClauseList) and clause.operator in (operators.and_,
                                                                             operators.or_):
        parts = [_compile(part) for part in clause.clauses]
        combine = _all if clause.operator is operators.and_ else _any
        return lambda row: combine([part(row) for part in parts])
    if isinstance(clause, elements.BinaryExpression):
        left, right = _compile(clause.left), _compile(clause.right)
        if clause.operator is operators.is_:
            return lambda row: left(row) is right(row)
        if clause.operator is operators.is_not:
            return lambda row: left(row) is not right(row)
        if clause.operator in _COMPARISONS:
            compare = _COMPARISONS[clause.operator]

            def compared(row):
                a, b = left(row), right(row)
                return None if a is None or b is None else compare(a, b)
            return compared
    elif isinstance(clause, elements.UnaryExpression) and clause.operator is operators.inv:
        inner = _compile(clause.element)
        return lambda row: _not(inner(row))
    elif isinstance(clause, elements.AsBoolean):  # what and_() makes of a lone constant
        inner = _compile(clause.element)
        if clause.operator is operators.is_true:
            return inner
        return lambda row: _not(inner(row))
    elif isinstance(clause, elements.Grouping):
        return _compile(clause.element)
    elif isinstance(clause, elements.BindParameter):
        if clause.callable is not None:  # a value read when used, such as the clock's now
            return lambda _row: clause.callable()
        return _constant(clause.effective_value)
    elif isinstance(clause, elements.True_):
        return _constant(True)
    elif isinstance(clause, elements.False_):
        return _constant(False)
    elif isinstance(clause, elements.Null):
        return _constant(None)
    elif isinstance(clause, elements.ColumnElement) and "parententity" in clause._annotations:
        mapper = clause._annotations["parententity"]
        return operator.attrgetter(mapper.get_property_by_column(clause).key)
    raise TypeError(f"a rule can't be evaluated in Python: {clause!r}")


def _not(value):
    return None if value is None else not value
