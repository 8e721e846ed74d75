-- England's geographies on ONS codes: upper-tier local authorities of the 2022 and 2023 editions (CQC data from before
-- April 2023 names the old counties: Cumbria, North Yorkshire, Somerset), their regions, and England.
with

lad_region as (
    select lad23cd, rgn23cd, rgn23nm from ref.ons_lad23_region
),

utla23 as (
    select
        u.utla23cd as code,
        first(u.utla23nm, true) as name,
        first(r.rgn23cd, true) as region_code,
        first(r.rgn23nm, true) as region_name
    from ref.ons_ltla23_utla23 u
    left join lad_region r on r.lad23cd = u.ltla23cd
    where u.utla23cd like 'E%'
    group by u.utla23cd
),

utla22 as (
    select
        u.utla22cd as code,
        first(u.utla22nm, true) as name,
        coalesce(first(r.rgn23cd, true), first(s.rgn23cd, true)) as region_code,
        coalesce(first(r.rgn23nm, true), first(s.rgn23nm, true)) as region_name
    from ref.ons_ltla22_utla22 u
    left join lad_region r on r.lad23cd = u.ltla22cd
    left join ref.ons_utla22_region_supplement s on s.utla22cd = u.utla22cd
    where u.utla22cd like 'E%'
    group by u.utla22cd
),

local_authorities as (
    select
        coalesce(a.code, b.code) as geography_code,
        coalesce(a.name, b.name) as geography_name,
        coalesce(a.region_code, b.region_code) as region_code,
        coalesce(a.region_name, b.region_name) as region_name,
        b.code is not null as in_edition_2022,
        a.code is not null as in_edition_2023
    from utla23 a
    full outer join utla22 b on a.code = b.code
),

regions as (
    select distinct rgn23cd as geography_code, rgn23nm as geography_name from lad_region
)

select 'local_authority' as geography_level, geography_code, geography_name, region_code, region_name,
       in_edition_2022, in_edition_2023
from local_authorities
union all
select 'region', geography_code, geography_name, geography_code, geography_name, true, true
from regions
union all
select 'england', 'E92000001', 'England', cast(null as string), cast(null as string), true, true
