-- Each contracted service's KPIs against their contract targets, per assessment period (month, quarter, or financial
-- year). Numerator and denominator sum the measures of the returns in the period that carry every input; a period with
-- none carries "no_data" and a null value, never 0%. RAG: green meets the target, amber is within 5 points of it, red
-- otherwise. A breach is amber or red; a critical breach is a red on a KPI the contract marks critical.
with

kpis as (
    select * from core.dim_kpi where is_measure_based
),

services as (
    select c.contract_id, c.provider_id, c.location_id, c.location_name, c.service_type, c.measure_group,
           k.kpi_code, k.kpi_name, k.numerator_measures, k.denominator_measures, k.target_pct, k.direction,
           k.is_critical, k.assessed, k.return_type
    from core.dim_contract c
    join kpis k on k.applies_to = 'all' or k.applies_to = c.measure_group
    where c.location_id is not null
),

returns_in_period as (
    select
        s.*,
        e.submission_id,
        e.period_end as return_period_end,
        case s.assessed
            when 'month' then trunc(e.period_start, 'MM')
            when 'quarter' then trunc(e.period_start, 'quarter')
            when 'year' then make_date(case when month(e.period_start) >= 4 then year(e.period_start) else year(e.period_start) - 1 end, 4, 1)
        end as period_start
    from services s
    join core.fct_submission e on e.contract_id = s.contract_id and e.return_type = s.return_type
),

kpi_inputs as (
    -- each measure a KPI reads, once, and whether it counts in the numerator, the denominator or both. Joining the
    -- returns to these on (submission, measure) reads only the measures a KPI needs; matching every measure of a
    -- return against the KPI's lists instead made a row for every pair before filtering (DuckDB spent 82% of its
    -- rebuild there).
    select kpi_code, measure_code, bool_or(in_numerator) as in_numerator, bool_or(in_denominator) as in_denominator
    from (
        select kpi_code, explode(numerator_measures) as measure_code, true as in_numerator, false as in_denominator from kpis
        union all
        select kpi_code, explode(denominator_measures) as measure_code, false as in_numerator, true as in_denominator from kpis
    ) m
    group by kpi_code, measure_code
),

inputs as (
    -- fct_return_measure is unique on (submission_id, measure_code), so each needed measure finds at most one row
    select
        r.contract_id, r.kpi_code, r.period_start, r.submission_id,
        max(r.return_period_end) as return_period_end,
        sum(case when i.in_numerator then f.value_num end) as numerator,
        sum(case when i.in_denominator then f.value_num end) as denominator,
        count(f.value_num) as inputs_present,
        count(*) as inputs_needed
    from returns_in_period r
    join kpi_inputs i on i.kpi_code = r.kpi_code
    left join core.fct_return_measure f
      on f.submission_id = r.submission_id
     and f.measure_code = i.measure_code
    group by r.contract_id, r.kpi_code, r.period_start, r.submission_id
),

per_period as (
    select
        contract_id, kpi_code, period_start,
        max(return_period_end) as last_return_period_end,
        count(*) as returns_expected,
        count_if(inputs_present = inputs_needed) as returns_with_inputs,
        sum(case when inputs_present = inputs_needed then numerator end) as numerator,
        sum(case when inputs_present = inputs_needed then denominator end) as denominator
    from inputs
    group by contract_id, kpi_code, period_start
),

scored as (
    select
        s.contract_id, s.provider_id, s.location_id, s.location_name, s.service_type,
        s.kpi_code, s.kpi_name, s.assessed, s.target_pct, s.direction, s.is_critical,
        p.period_start,
        case s.assessed when 'month' then last_day(p.period_start)
                        when 'quarter' then date_sub(add_months(p.period_start, 3), 1)
                        else date_sub(add_months(p.period_start, 12), 1) end as period_end,
        p.last_return_period_end,
        p.returns_expected,
        p.returns_with_inputs,
        case when p.returns_with_inputs > 0 then p.numerator end as numerator,
        case when p.returns_with_inputs > 0 then p.denominator end as denominator,
        -- narrower operands so the quotient keeps 14 decimals before rounding to 2: at the sums' own precision Spark
        -- keeps only 6, and rounding twice turned 16,030 of 16,671 (96.1549997%) into 96.16
        case when p.returns_with_inputs > 0 and p.denominator > 0
             then round(cast(100 * p.numerator as decimal(24, 4)) / cast(p.denominator as decimal(20, 4)), 2) end as value_pct
    from per_period p
    join (select distinct contract_id, provider_id, location_id, location_name, service_type, kpi_code, kpi_name, assessed,
                          target_pct, direction, is_critical from services) s
      on s.contract_id = p.contract_id and s.kpi_code = p.kpi_code
),

rated as (
    select
        *,
        case
            when value_pct is null then 'no_data'
            when direction = 'higher_better' and value_pct >= target_pct then 'green'
            when direction = 'higher_better' and value_pct >= target_pct - 5 then 'amber'
            when direction = 'lower_better' and value_pct <= target_pct then 'green'
            when direction = 'lower_better' and value_pct <= target_pct + 5 then 'amber'
            else 'red'
        end as rag
    from scored
),

runs as (
    select
        *,
        rag in ('amber', 'red') as is_breach,
        sum(case when rag in ('amber', 'red') then 0 else 1 end)
            over (partition by contract_id, kpi_code order by period_start rows between unbounded preceding and current row) as not_breached_so_far
    from rated
),

streaks as (
    select *, row_number() over (partition by contract_id, kpi_code, not_breached_so_far order by period_start) as position_in_run
    from runs
)

select
    contract_id,
    provider_id,
    location_id,
    location_name,
    service_type,
    kpi_code,
    kpi_name,
    assessed,
    period_start,
    period_end,
    last_return_period_end = period_end as is_period_complete,
    returns_expected,
    returns_with_inputs,
    cast(numerator as decimal(18, 4)) as numerator,
    cast(denominator as decimal(18, 4)) as denominator,
    cast(value_pct as decimal(7, 2)) as value_pct,
    target_pct,
    direction,
    rag,
    is_breach,
    case when not is_breach then 0
         when not_breached_so_far = 0 then position_in_run
         else position_in_run - 1 end as consecutive_breaches,
    is_critical,
    is_critical and rag = 'red' as is_critical_breach
from streaks
