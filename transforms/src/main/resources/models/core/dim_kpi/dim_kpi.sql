-- Contract KPIs and targets (seeds/ref/kpis.csv). Numerator and denominator are sums of catalogue measures
-- ("HC_CALLS_MISSED+HC_CALLS_LATE"); the submission KPIs are computed from submissions instead.
with

kpis as (
    select *, split(numerator, '\\+') as numerator_parts, split(denominator, '\\+') as denominator_parts
    from ref.kpis
),

parts as (
    select kpi_code, explode(concat(numerator_parts, denominator_parts)) as part from kpis
),

measure_based as (
    -- measure-based when every part is a catalogue measure
    select p.kpi_code, bool_and(m.measure_code is not null) as is_measure_based, first(m.return_type, true) as return_type
    from parts p
    left join ref.measures m on m.measure_code = p.part
    group by p.kpi_code
)

select
    k.kpi_code,
    k.name as kpi_name,
    k.numerator_parts as numerator_measures,
    k.denominator_parts as denominator_measures,
    cast(k.target_pct as decimal(5, 2)) as target_pct,
    k.direction,
    k.critical = 'Y' as is_critical,
    k.assessed,
    k.kloe_domain,
    k.applies_to,
    b.is_measure_based,
    case when b.is_measure_based then b.return_type end as return_type,
    k.source as source_reference
from kpis k
join measure_based b on b.kpi_code = k.kpi_code
