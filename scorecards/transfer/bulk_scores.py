"""Large score imports: the pattern of services.scoring.apply_score_changes, in bulk.

apply_score_changes saves, audits and records history one score at a time (four
queries a row), which is right for a scorecard screen and too slow for a 10 000-row
file. This does the same steps in the same transaction with the same rules: lock the
period and the rows (select_for_update, so a concurrent editor waits and its version
check then fails), refuse a closed period, full_clean() every changed score, raise one
ValidationError listing every bad row, bump `version`, set `updated_by`, write one
history record per score (type "~", attributed to the importing user, as
bulk_update_with_history would) and the same audit events (FIELD_ACTIONS), each kind
of row with one executemany (SQLite) or a few bulk statements (PostgreSQL).
"""
from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from scorecards.models import AuditEvent, EvaluationPeriod, Score
from scorecards.services.scorecard import load_tree
from scorecards.choices import Right
from scorecards.services.scoring import FIELD_ACTIONS, ChangeResult, ScoreChange, check_period_right, lock_period


def _as_json(value):
    return str(value) if value is not None and not isinstance(value, (str, int, bool)) else value


@transaction.atomic
def bulk_apply_score_changes(period: EvaluationPeriod, changes: list[ScoreChange], *, actor, audit_extra: dict | None = None,
                             criteria=None, loaded: dict[int, Score] | None = None) -> ChangeResult:
    """`criteria`: the framework's criteria with is_leaf set (load_tree), if the caller has them.

    `loaded`: the scores as the caller read them earlier in this transaction (an import's
    preview), by pk. Only their pk and version are then read again, under the lock; a score
    whose version moved since is refused like a stale editor's save.
    """
    period = lock_period(period.pk)
    check_period_right(period, actor, Right.ADMINISTER)
    if criteria is None:
        criteria, _children = load_tree(period.framework_id)
    by_id = {c.pk: c for c in criteria}
    wanted = {c.score_id: c for c in changes}
    locked = {}
    stale: set[int] = set()  # read by the caller, changed by someone else since
    ids = list(wanted)
    for start in range(0, len(ids), 5000):  # stays under SQLite's bound-parameter limit
        rows = Score.objects.select_for_update().filter(pk__in=ids[start:start + 5000], period=period)
        if loaded is not None:
            for pk, version in rows.values_list("pk", "version"):
                locked[pk] = loaded[pk]
                if loaded[pk].version != version:
                    stale.add(pk)
            continue
        for score in rows:
            score.criterion = by_id[score.criterion_id]
            score.period = period
            locked[score.pk] = score
    errors: list[str] = []
    result = ChangeResult()
    fields: set[str] = set()
    for score_id, change in wanted.items():
        score = locked.get(score_id)
        if score is None:
            errors.append(ValidationError("#%s" % score_id).messages[0])
            continue
        if score_id in stale or (change.version is not None and change.version != score.version):
            errors.append(str(score.criterion.code))
            continue
        diff = {name: (getattr(score, name), new) for name, new in change.values.items() if getattr(score, name) != new}
        if not diff:
            result.unchanged += 1
            continue
        for name, (_old, new) in diff.items():
            setattr(score, name, new)
        try:
            score.full_clean(exclude=["period", "criterion", "updated_by"], validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            for messages in exc.message_dict.values():
                errors.extend(messages)
            continue
        score.version += 1
        score.updated_by = actor
        score._audit_diff = diff
        fields.update(diff)
        result.changed.append(score)
    if errors:
        raise ValidationError(errors)
    if not result.changed:
        return result
    now = timezone.now()
    for score in result.changed:
        score.updated_at = now  # bulk_update skips auto_now
    _update_rows(result.changed, sorted(fields | {"version", "updated_by", "updated_at"}))
    history_model = Score.history.model
    tracked = [f.attname for f in history_model.tracked_fields]
    _insert_rows(history_model, [
        {**{name: getattr(score, name) for name in tracked}, "history_date": now, "history_change_reason": None,
         "history_type": "~", "history_user_id": actor.pk if actor else None}
        for score in result.changed
    ])
    events = []
    actor_name = (actor.get_full_name() or actor.username) if actor else ""
    for score in result.changed:
        actions: dict[str, dict] = {}
        for name, (old, new) in score._audit_diff.items():
            actions.setdefault(FIELD_ACTIONS[name], {})[name] = [_as_json(old), _as_json(new)]
        for action, values in actions.items():
            events.append({"action": action, "actor_id": actor.pk if actor else None, "actor_name": actor_name,
                           "period_id": period.pk, "score_id": score.pk, "agency_id": score.responsible_agency_id,
                           "created_at": now,
                           "data": {"code": score.criterion.code, "changes": values, **(audit_extra or {})}})
    _insert_rows(AuditEvent, events)
    return result


def _update_rows(scores: list[Score], names: list[str]) -> None:
    """Write the changed columns of many scores without QuerySet.bulk_update, whose CASE
    expression per row and field costs seconds for 10 000 rows: PostgreSQL gets the new
    values by COPY into a temporary table and one UPDATE ... FROM it, SQLite (in-process)
    one executemany."""
    fields = [Score._meta.get_field(name) for name in names]
    preppers = [_prepper(f) for f in fields]
    params = [[s.pk] + [prep(getattr(s, f.attname)) for f, prep in zip(fields, preppers, strict=False)] for s in scores]
    qn = connection.ops.quote_name
    table, pk = qn(Score._meta.db_table), qn(Score._meta.pk.column)
    columns = [qn(f.column) for f in fields]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            staging = qn("score_changes")
            cursor.execute("CREATE TEMPORARY TABLE %s ON COMMIT DROP AS SELECT %s, %s FROM %s WITH NO DATA"
                           % (staging, pk, ", ".join(columns), table))
            _copy(cursor, "COPY %s FROM STDIN" % staging, params)
            cursor.execute("UPDATE %s SET %s FROM %s AS v WHERE %s.%s = v.%s" % (
                table, ", ".join("%s = v.%s" % (c, c) for c in columns), staging, table, pk, pk))
            # Dropped now, not only at commit: an outer transaction may import again.
            cursor.execute("DROP TABLE %s" % staging)
        else:
            sql = "UPDATE %s SET %s WHERE %s = %%s" % (table, ", ".join("%s = %%s" % c for c in columns), pk)
            cursor.executemany(sql, [row[1:] + row[:1] for row in params])


def _insert_rows(model, rows: list[dict]) -> None:
    """INSERT many rows (values by attname, every column given): on PostgreSQL one COPY,
    on SQLite (in-process) one executemany. The same rows Model.objects.bulk_create would
    write, without building a model instance and an SQL string per row: 20 000 history
    and audit rows take well under a second.
    """
    if not rows:
        return
    fields = [f for f in model._meta.concrete_fields if f.attname in rows[0]]
    qn = connection.ops.quote_name
    table, columns = qn(model._meta.db_table), ", ".join(qn(f.column) for f in fields)
    preppers = [_prepper(f) for f in fields]
    params = [[prep(row[f.attname]) for f, prep in zip(fields, preppers, strict=False)] for row in rows]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            _copy(cursor, "COPY %s (%s) FROM STDIN" % (table, columns), params)
        else:
            cursor.executemany("INSERT INTO %s (%s) VALUES (%s)" % (table, columns, ", ".join(["%s"] * len(fields))),
                               params)


def _copy(cursor, sql: str, rows: list[list]) -> None:
    """Stream rows through PostgreSQL's COPY: no SQL text to build and parse for thousands
    of placeholders, which is where executemany or a multi-row INSERT spends its time."""
    with cursor.cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row(row)


def _prepper(field):
    """field.get_db_prep_save, memoised: the same period, user, time and points recur on
    thousands of rows, and adapting Decimals and datetimes is the slow part."""
    cache = {}

    def prep(value):
        try:
            return cache[(type(value), value)]
        except KeyError:
            result = cache[(type(value), value)] = field.get_db_prep_save(value, connection)
            return result
        except TypeError:  # unhashable (a dict for a JSONField)
            return field.get_db_prep_save(value, connection)

    return prep
