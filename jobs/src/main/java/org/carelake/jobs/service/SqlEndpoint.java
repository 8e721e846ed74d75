package org.carelake.jobs.service;

import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.hive.thriftserver.HiveThriftServer2;
import org.carelake.jobs.config.SqlEndpointProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

/**
 * The SQL endpoint: Spark's Thrift server (HiveServer2 protocol) in this JVM over the same session and catalog, so
 * any Hive JDBC/ODBC client (and Superset through PyHive) reads the marts.
 */
@Service
public class SqlEndpoint {

  private static final Logger LOG = LoggerFactory.getLogger(SqlEndpoint.class);
  private final Lakehouse lakehouse;
  private final SqlEndpointProperties properties;
  private volatile String jdbcUrl;

  public SqlEndpoint(Lakehouse lakehouse, SqlEndpointProperties properties) {
    this.lakehouse = lakehouse;
    this.properties = properties;
  }

  public synchronized String start() {
    if (jdbcUrl != null) {
      return jdbcUrl;
    }
    SparkSession spark = lakehouse.spark();
    spark.sqlContext().setConf("hive.server2.thrift.bind.host", properties.getHost());
    spark.sqlContext().setConf("hive.server2.thrift.port", Integer.toString(properties.getPort()));
    spark.sqlContext().setConf("hive.server2.transport.mode", "binary");
    HiveThriftServer2.startWithContext(spark.sqlContext());
    jdbcUrl = "jdbc:hive2://" + properties.getHost() + ":" + properties.getPort() + "/default";
    LOG.info("SQL endpoint listening: {}", jdbcUrl);
    return jdbcUrl;
  }

  public String jdbcUrl() {
    return jdbcUrl;
  }

  public boolean running() {
    return jdbcUrl != null;
  }
}
