-- Each provider's data-submission KPIs over the rolling twelve months to the reporting date (returns whose due date
-- falls in the window): timeliness (on time / due) and accuracy (accurate / received) against the 95% targets of
-- seeds/ref/kpis.csv, the current run of missing returns (three in a row is a service failure) and whether the
-- provider persistently submits inaccurate data.
--
-- Persistently inaccurate: accuracy below target over the window AND inaccurate returns in at least three
-- different months of it AND at least one of them in the latest three months of the window. One bad return is a
-- slip the provider corrects; errors that recur month after month, and are still recurring, are the pattern the
-- contract treats as a critical failure.
with

as_of as (
    select as_of_date, add_months(as_of_date, -12) as window_start from core.dim_as_of
),

targets as (
    select
        max(case when kpi_code = 'SUBMISSION_TIMELINESS' then target_pct end) as timeliness_target_pct,
        max(case when kpi_code = 'SUBMISSION_ACCURACY' then target_pct end) as accuracy_target_pct
    from core.dim_kpi
),

in_window as (
    select q.*, a.as_of_date, a.window_start,
           trunc(q.due_date, 'MM') as due_month
    from marts.mart_submission_quality q
    cross join as_of a
    where q.due_date > a.window_start and q.due_date <= a.as_of_date
),

findings as (
    select f.provider_id,
           count_if(f.severity = 'error' and f.rule_class <> 'missing_submission') as error_findings,
           count_if(f.severity = 'warning') as warning_findings
    from dq.submission_finding f
    join in_window w
      on w.location_id = f.location_id and w.return_type = f.return_type and w.period_start = f.period_start
    group by f.provider_id
),

latest_streak as (
    select provider_id, max(consecutive_missing) as consecutive_missing
    from (
        select s.provider_id, s.consecutive_missing,
               row_number() over (partition by s.contract_id, s.return_type order by s.period_start desc) as recency
        from core.fct_submission s
    ) r
    where recency = 1
    group by provider_id
),

rolled as (
    select
        provider_id,
        first(window_start) as window_start,
        first(as_of_date) as as_of_date,
        count(*) as returns_due,
        count_if(is_received) as returns_received,
        count_if(is_on_time) as returns_on_time,
        count_if(is_received and not is_on_time) as returns_late,
        count_if(not is_received) as returns_missing,
        count_if(is_accurate) as returns_accurate,
        count_if(not is_accurate) as returns_inaccurate,
        count(distinct case when not is_accurate then due_month end) as inaccurate_months,
        max(case when not is_accurate then due_month end) as latest_inaccurate_month,
        concat_ws(', ', sort_array(collect_list(case when not is_accurate
            then concat(return_type, ' ', cast(period_start as string)) end))) as inaccurate_returns_list
    from in_window
    group by provider_id
),

scored as (
    select
        r.*,
        cast(round(100.0 * r.returns_on_time / r.returns_due, 2) as decimal(5,2)) as timeliness_pct,
        cast(case when r.returns_received > 0 then round(100.0 * r.returns_accurate / r.returns_received, 2) end as decimal(5,2)) as accuracy_pct,
        t.timeliness_target_pct,
        t.accuracy_target_pct
    from rolled r
    cross join targets t
)

select
    s.provider_id,
    p.provider_name,
    s.window_start,
    s.as_of_date as window_end,
    s.returns_due,
    s.returns_received,
    s.returns_on_time,
    s.returns_late,
    s.returns_missing,
    s.returns_accurate,
    s.returns_inaccurate,
    s.timeliness_pct,
    s.accuracy_pct,
    s.timeliness_target_pct,
    s.accuracy_target_pct,
    s.timeliness_pct >= s.timeliness_target_pct as meets_timeliness_target,
    s.accuracy_pct >= s.accuracy_target_pct as meets_accuracy_target,
    coalesce(f.error_findings, 0) as error_findings,
    coalesce(f.warning_findings, 0) as warning_findings,
    coalesce(m.consecutive_missing, 0) as consecutive_missing,
    coalesce(m.consecutive_missing, 0) >= 3 as is_service_failure,
    cast(s.inaccurate_months as int) as inaccurate_months,
    (s.accuracy_pct < s.accuracy_target_pct and s.inaccurate_months >= 3
        and s.latest_inaccurate_month > add_months(trunc(s.as_of_date, 'MM'), -3)) as is_persistently_inaccurate,
    case when s.returns_inaccurate > 0 then
        concat(cast(s.returns_inaccurate as string), ' of ', cast(s.returns_received as string),
               ' returns received had errors (accuracy ', cast(s.accuracy_pct as string), '% against ',
               cast(s.accuracy_target_pct as string), '%), in ', cast(s.inaccurate_months as string),
               ' different months, latest due ', date_format(s.latest_inaccurate_month, 'MMMM yyyy'), ': ', s.inaccurate_returns_list)
    end as inaccuracy_evidence,
    s.as_of_date
from scored s
left join core.dim_provider p on p.provider_id = s.provider_id
left join findings f on f.provider_id = s.provider_id
left join latest_streak m on m.provider_id = s.provider_id
