-- The date the warehouse reports as at: the latest submission received (so a rebuild of the same data gives the same
-- answer on any day), or today when no return has arrived yet. Every "expected by now" figure is judged at this date.
-- Returns are expected from when the council began collecting them here: the earliest return period received from
-- any provider (a contract that started years before owes no returns from before that), or without any return, from
-- each contract's start.
select
    coalesce(to_date(from_utc_timestamp(max(submitted_at), 'Europe/London')), current_date()) as as_of_date,
    case when max(submitted_at) is null then 'today' else 'latest_submission' end as basis,
    min(period_start) as monitoring_start_date
from raw.return_measure
