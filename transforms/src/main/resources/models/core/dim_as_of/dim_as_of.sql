-- The date the warehouse reports as at: the latest submission received (so a rebuild of the same data gives the same
-- answer on any day), or today when no return has arrived yet. Every "expected by now" figure is judged at this date.
select
    coalesce(to_date(from_utc_timestamp(max(submitted_at), 'Europe/London')), current_date()) as as_of_date,
    case when max(submitted_at) is null then 'today' else 'latest_submission' end as basis
from raw.return_measure
