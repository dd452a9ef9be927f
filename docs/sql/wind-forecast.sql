-- Stateful forecasts of every wind station: points from Kafka, forecasts to Kafka.
-- ./forecaster sql -f docs/sql/wind-forecast.sql --replay ../shared/data/wind-ireland/wind_daily_long.csv

SET 'table.local-time-zone' = 'UTC';
-- Flink's SQL client: wait for the INSERT's job to end (the points table is bounded) and print
-- the SELECT's rows as a table; `forecaster sql` always does both.
SET 'table.dml-sync' = 'true';
SET 'sql-client.execution.result-mode' = 'tableau';

CREATE TABLE points (
  sensor STRING,
  `time` TIMESTAMP_LTZ(3),
  `value` DOUBLE,
  WATERMARK FOR `time` AS `time` - INTERVAL '5' SECOND
) WITH (
  'connector' = 'kafka',
  'topic' = 'sensor-points',
  'properties.bootstrap.servers' = '${bootstrap}',
  'properties.group.id' = 'forecaster-sql',
  'properties.isolation.level' = 'read_committed',
  'scan.startup.mode' = 'earliest-offset',
  'scan.bounded.mode' = 'latest-offset',
  'format' = 'json',
  'json.timestamp-format.standard' = 'ISO-8601'
);

CREATE TABLE forecasts (
  sensor STRING,
  window_start TIMESTAMP_LTZ(3),
  window_end TIMESTAMP_LTZ(3),
  `next` DOUBLE,
  predictions ARRAY<DOUBLE>,
  model STRING
) WITH (
  'connector' = 'kafka',
  'topic' = 'forecasts',
  'properties.bootstrap.servers' = '${bootstrap}',
  'properties.isolation.level' = 'read_committed',
  'sink.delivery-guarantee' = 'exactly-once',
  'sink.transactional-id-prefix' = 'forecaster-sql',
  'properties.transaction.timeout.ms' = '600000',
  'format' = 'json',
  'json.timestamp-format.standard' = 'ISO-8601'
);

INSERT INTO forecasts
SELECT sensor, window_start, window_end, `next`, predictions, model
FROM FORECAST(
  input => TABLE points PARTITION BY sensor,
  on_time => DESCRIPTOR(`time`),
  model => '${pwd}/models/wind.zip',
  mode => 'stateful',
  window_size => 60,
  slide => 1);

-- The last day's forecasts, read back from the sink topic (read_committed).
SELECT sensor, window_start, window_end, ROUND(`next`, 2) AS `next`, model
FROM forecasts /*+ OPTIONS('scan.startup.mode' = 'earliest-offset',
                           'scan.bounded.mode' = 'latest-offset') */
WHERE CAST(window_end AS TIMESTAMP(3)) = TIMESTAMP '1978-12-31 00:00:00';
