-- The three monitoring returns: their due rule (seeds/ref/return_schedule.csv) and when the council began collecting
-- each here: the earliest period of that return received from any provider. Returns are owed from then on; a contract
-- that began years before owes none from before.
with

received as (
    select return_type, min(period_start) as first_period_start, count(distinct provider_id, location_id, period_start) as submissions
    from raw.return_measure
    group by return_type
)

select
    s.return_type,
    s.period as period_kind,
    cast(s.due_months_after_period_end as int) as due_months_after_period_end,
    cast(s.due_day as int) as due_day,
    s.description as due_rule,
    r.first_period_start as monitoring_start_date,
    coalesce(r.submissions, 0) as submissions_received
from ref.return_schedule s
left join received r on r.return_type = s.return_type
