-- Every spelling that identifies a geography: its ONS name and the aliases in seeds/ref/geography_alias.csv, by the
-- match key geo_key() gives ("Bristol, City of" and "Bristol" share one). A key may name two codes across editions
-- (North Yorkshire: county E10000023 in 2022, unitary E06000065 in 2023); matching picks by the data's date.
with

names as (
    select geography_level, geo_key(geography_name) as match_key, geography_code, 'ons' as name_source
    from core.dim_geography
    where geography_level in ('local_authority', 'region')
    union all
    select geography_level, geo_key(alias), geography_code, 'alias'
    from ref.geography_alias
)

select
    n.geography_level,
    n.match_key,
    n.geography_code,
    min(n.name_source) as name_source,
    first(g.in_edition_2022) as in_edition_2022,
    first(g.in_edition_2023) as in_edition_2023
from names n
join core.dim_geography g
  on g.geography_level = n.geography_level and g.geography_code = n.geography_code
where n.match_key is not null
group by n.geography_level, n.match_key, n.geography_code
