-- One row per return (its latest version) with every value keyed by measure code, as a number and as the provider
-- wrote it, the service's contracted and CQC registered beds, and the previous return of the same type. The rules in
-- dq.submission_finding read many values of one return at once; computing this shape once keeps that model small
-- (and the portal's check of one upload fast: the shape is built once per check instead of once per rule).
with

contracts as (
    select location_id, first(measure_group) as measure_group, first(capacity_beds) as capacity_beds,
           first(cqc_registered_beds) as cqc_beds
    from core.dim_contract
    where location_id is not null
    group by location_id
),

returns as (
    select
        f.submission_id, f.provider_id, f.location_id, f.return_type, f.period_start,
        first(f.period_end) as period_end,
        map_from_entries(collect_list(struct(f.measure_code, f.value_num))) as v,
        map_from_entries(collect_list(struct(f.measure_code, f.value_text))) as t,
        count(f.value_text) as value_count
    from core.fct_return_measure f
    group by f.submission_id, f.provider_id, f.location_id, f.return_type, f.period_start
)

select
    r.submission_id, r.provider_id, r.location_id, r.return_type, r.period_start, r.period_end,
    r.v, r.t,
    cardinality(r.t) as measure_count,
    cast(r.value_count as int) as value_count,
    c.measure_group, c.capacity_beds, c.cqc_beds,
    lag(r.submission_id) over w as previous_submission_id,
    lag(r.period_start) over w as previous_period_start,
    lag(cardinality(r.t)) over w as previous_measure_count
from returns r
left join contracts c on c.location_id = r.location_id
window w as (partition by r.location_id, r.return_type order by r.period_start)
