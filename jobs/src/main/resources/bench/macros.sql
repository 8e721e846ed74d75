-- DuckDB macros for the functions carelake's Spark models use that DuckDB lacks (loaded before the models).

-- geo_key: the same steps as org.carelake.transforms.SqlFunctions.geoKey (Java), in the same order:
--   lower-case; trim (Java's trim drops every char <= U+0020); drop a trailing "(ADASS Region)";
--   drop a trailing ", City of" / ", County of"; '&' -> ' and '; every run of non [a-z0-9] -> one space;
--   trim; '' -> NULL. DuckDB's regexp_replace replaces the first match unless 'g' is given, so the anchored
--   patterns run once, like Java's replaceAll on a pattern that can only match at the end.
CREATE OR REPLACE MACRO geo_key(name) AS nullif(
  trim(regexp_replace(
    replace(
      regexp_replace(
        regexp_replace(
          regexp_replace(lower(name), '^[\x00-\x20]+|[\x00-\x20]+$', '', 'g'),
          '\s*\(adass region\)\s*$', ''),
        ',\s*(city|county) of\s*$', ''),
      '&', ' and '),
    '[^a-z0-9]+', ' ', 'g')),
  '');
