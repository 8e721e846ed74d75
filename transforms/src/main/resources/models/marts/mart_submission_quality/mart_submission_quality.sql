-- One row per expected submission with its data-quality outcome: a received return is accurate when no rule of
-- severity error found anything in it.
with

counts as (
    select provider_id, location_id, return_type, period_start,
           count_if(severity = 'error' and rule_class <> 'missing_submission') as error_count,
           count_if(severity = 'warning') as warning_count,
           concat_ws(', ', sort_array(collect_set(rule_class))) as finding_classes
    from dq.submission_finding
    group by provider_id, location_id, return_type, period_start
)

select
    s.contract_id,
    s.provider_id,
    s.location_id,
    s.location_name,
    s.service_type,
    s.return_type,
    s.period_start,
    s.period_end,
    s.is_received,
    s.submitted_at,
    s.due_date,
    s.is_on_time,
    s.days_late,
    coalesce(c.error_count, 0) as error_count,
    coalesce(c.warning_count, 0) as warning_count,
    case when s.is_received then coalesce(c.error_count, 0) = 0 end as is_accurate,
    c.finding_classes
from core.fct_submission s
left join counts c
  on c.location_id = s.location_id and c.return_type = s.return_type and c.period_start = s.period_start
