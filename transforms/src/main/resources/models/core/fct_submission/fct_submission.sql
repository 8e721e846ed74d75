-- One row per submission the council expects: every contracted service owes a monthly, quarterly and annual return for
-- each period its contract covers in full since monitoring of that return began (core.dim_return_type), once the period's due date
-- (seeds/ref/return_schedule.csv) has passed the reporting date. Received or not, when, and on time: timeliness is judged on the first version submitted.
with

as_of as (
    select as_of_date from core.dim_as_of
),

schedule as (
    select return_type, due_months_after_period_end as due_months, due_day, monitoring_start_date
    from core.dim_return_type
),

contract_span as (
    select
        c.contract_id, c.provider_id, c.location_id, c.location_name, c.service_type,
        c.start_date,
        c.end_date,
        least(coalesce(c.end_date, a.as_of_date), a.as_of_date) as span_end,
        a.as_of_date
    from core.dim_contract c
    cross join as_of a
    where c.start_date <= a.as_of_date
),

periods as (
    select contract_id, 'monthly' as return_type, p as period_start, last_day(p) as period_end
    from contract_span
    lateral view explode(sequence(trunc(start_date, 'MM'), trunc(span_end, 'MM'), interval 1 month)) t as p
    union all
    select contract_id, 'quarterly', p, date_sub(add_months(p, 3), 1)
    from contract_span
    lateral view explode(sequence(trunc(start_date, 'quarter'), trunc(span_end, 'quarter'), interval 3 months)) t as p
    union all
    select contract_id, 'annual', p, date_sub(add_months(p, 12), 1)
    from contract_span
    lateral view explode(sequence(
        make_date(case when month(start_date) >= 4 then year(start_date) else year(start_date) - 1 end, 4, 1),
        make_date(case when month(span_end) >= 4 then year(span_end) else year(span_end) - 1 end, 4, 1),
        interval 12 months)) t as p
),

expected as (
    select
        c.contract_id, c.provider_id, c.location_id, c.location_name, c.service_type,
        p.return_type, p.period_start, p.period_end,
        make_date(year(add_months(p.period_end, s.due_months)), month(add_months(p.period_end, s.due_months)), s.due_day) as due_date,
        c.as_of_date
    from periods p
    join contract_span c on c.contract_id = p.contract_id
    join schedule s on s.return_type = p.return_type
    -- owed for a period the contract covers in full since monitoring of that return began, once it is due
    where p.period_start >= greatest(c.start_date, coalesce(s.monitoring_start_date, c.start_date))
      and (c.end_date is null or p.period_end <= c.end_date)
      and make_date(year(add_months(p.period_end, s.due_months)), month(add_months(p.period_end, s.due_months)), s.due_day) <= c.as_of_date
),

submissions as (
    select provider_id, location_id, return_type, period_start,
           first(submission_id) as submission_id,
           max(submitted_at) as submitted_at,
           min(first_submitted_at) as first_submitted_at,
           max(versions_received) as versions_received,
           count(*) as measures_received
    from staging.stg_return_measure
    group by provider_id, location_id, return_type, period_start
),

matched as (
    select
        e.*,
        s.submission_id,
        s.submitted_at,
        s.first_submitted_at,
        s.versions_received,
        s.measures_received
    from expected e
    left join submissions s
      on s.return_type = e.return_type and s.period_start = e.period_start
     and s.location_id = e.location_id
    where e.location_id is not null
    union all
    -- a provider-level contract is met by a return for any of the provider's locations
    select
        e.*,
        first(s.submission_id),
        max(s.submitted_at),
        min(s.first_submitted_at),
        max(s.versions_received),
        sum(s.measures_received)
    from expected e
    left join submissions s
      on s.return_type = e.return_type and s.period_start = e.period_start and s.provider_id = e.provider_id
    where e.location_id is null
    group by e.contract_id, e.provider_id, e.location_id, e.location_name, e.service_type, e.return_type,
             e.period_start, e.period_end, e.due_date, e.as_of_date
),

flagged as (
    select
        m.*,
        m.first_submitted_at is not null as is_received,
        to_date(from_utc_timestamp(m.first_submitted_at, 'Europe/London')) as first_submitted_date,
        sum(case when m.first_submitted_at is not null then 1 else 0 end)
            over (partition by m.contract_id, m.return_type order by m.period_start rows between unbounded preceding and current row) as received_so_far
    from matched m
),

streaks as (
    select
        f.*,
        row_number() over (partition by f.contract_id, f.return_type, f.received_so_far order by f.period_start) as position_in_run
    from flagged f
)

select
    contract_id,
    provider_id,
    location_id,
    location_name,
    service_type,
    return_type,
    period_start,
    period_end,
    due_date,
    submission_id,
    is_received,
    submitted_at,
    first_submitted_at,
    coalesce(cast(versions_received as int), 0) as versions_received,
    coalesce(measures_received, 0) as measures_received,
    is_received and first_submitted_date <= due_date as is_on_time,
    case when is_received then greatest(datediff(first_submitted_date, due_date), 0) end as days_late,
    not is_received as is_missing,
    case when is_received then 0
         when received_so_far = 0 then position_in_run
         else position_in_run - 1 end as consecutive_missing,
    case when is_received then false
         else (case when received_so_far = 0 then position_in_run else position_in_run - 1 end) >= 3 end as is_service_failure,
    as_of_date
from streaks
