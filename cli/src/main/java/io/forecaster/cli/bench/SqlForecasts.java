package io.forecaster.cli.bench;

import io.forecaster.cli.sql.SqlCommand;
import io.forecaster.job.ForecastOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.TableResult;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;

/**
 * The benchmark's SQL variant of the job: the points topic as a Kafka table (JSON), the {@code
 * FORECAST} function with the job's options, the forecasts topic as a Kafka sink table (JSON, the
 * job's delivery guarantee), in one {@code INSERT}.
 */
final class SqlForecasts {

    /** A part of the name of the vertex that runs the function (its input is the points). */
    static final String VERTEX = "ProcessTableFunction";

    private SqlForecasts() {}

    /** Starts the statement on {@code env}'s cluster; returns its job. */
    static JobClient start(StreamExecutionEnvironment env, ForecastOptions o, String name) {
        env.enableCheckpointing(o.checkpointInterval().toMillis());
        StreamTableEnvironment tEnv = StreamTableEnvironment.create(env);
        tEnv.getConfig().set("pipeline.name", name);
        if (!o.idleness().isZero()) {
            tEnv.getConfig().set("table.exec.source.idle-timeout", o.idleness().toMillis() + " ms");
        }
        for (String statement : statements(o)) {
            tEnv.executeSql(statement);
        }
        TableResult r = tEnv.executeSql(insert(o));
        return r.getJobClient().orElseThrow();
    }

    static String[] statements(ForecastOptions o) {
        String kafka =
                "'connector' = 'kafka', 'properties.bootstrap.servers' = '"
                        + o.bootstrapServers()
                        + "', 'properties.isolation.level' = 'read_committed',"
                        + " 'format' = 'json', 'json.timestamp-format.standard' = 'ISO-8601'";
        String points =
                "CREATE TEMPORARY TABLE points (sensor STRING, `time` TIMESTAMP_LTZ(3),"
                        + " `value` DOUBLE, WATERMARK FOR `time` AS `time` - INTERVAL '"
                        + o.outOfOrderness().toMillis() / 1000.0
                        + "' SECOND) WITH ("
                        + kafka
                        + ", 'topic' = '"
                        + o.pointsTopic()
                        + "', 'properties.group.id' = '"
                        + o.get(io.forecaster.connectors.flink.KafkaOptions.GROUP_ID)
                        + "', 'scan.startup.mode' = 'earliest-offset')";
        boolean exactlyOnce =
                o.deliveryGuarantee()
                        == org.apache.flink.connector.base.DeliveryGuarantee.EXACTLY_ONCE;
        String forecasts =
                "CREATE TEMPORARY TABLE forecasts (sensor STRING, windowStart TIMESTAMP_LTZ(3),"
                        + " windowEnd TIMESTAMP_LTZ(3), points INT, predictions ARRAY<DOUBLE>,"
                        + " `next` DOUBLE, model STRING, mode STRING) WITH ("
                        + kafka
                        + ", 'topic' = '"
                        + o.forecastsTopic()
                        + "', 'sink.delivery-guarantee' = '"
                        + (exactlyOnce ? "exactly-once" : "at-least-once")
                        + "', 'sink.transactional-id-prefix' = '"
                        + o.get(io.forecaster.connectors.flink.KafkaOptions.TRANSACTIONAL_ID_PREFIX)
                        + "', 'properties.transaction.timeout.ms' = '600000')";
        return new String[] {
            "CREATE TEMPORARY SYSTEM FUNCTION FORECAST AS '" + SqlCommand.FUNCTION_CLASS + "'",
            points,
            forecasts
        };
    }

    static String insert(ForecastOptions o) {
        return "INSERT INTO forecasts SELECT sensor, window_start, window_end, points,"
                + " predictions, `next`, model, mode FROM FORECAST(input => TABLE points"
                + " PARTITION BY sensor, on_time => DESCRIPTOR(`time`), model => '"
                + o.modelPath().toAbsolutePath()
                + "', mode => '"
                + o.mode().label()
                + "', window_size => "
                + o.windowSize()
                + ", slide => "
                + o.windowSlide()
                + ", horizon => "
                + o.get(ForecastOptions.HORIZON)
                + ", lateness => '"
                + o.allowedLateness().toMillis()
                + " ms', reset_gap => '"
                + o.resetGap().toMillis()
                + " ms', quiet_timeout => '"
                + o.quietTimeout().toMillis()
                + " ms', engine => '"
                + o.engine()
                + "')";
    }
}
