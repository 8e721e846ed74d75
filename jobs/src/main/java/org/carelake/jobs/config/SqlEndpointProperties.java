package org.carelake.jobs.config;

import org.springframework.boot.context.properties.ConfigurationProperties;

/** The SQL endpoint (Spark Thrift Server, HiveServer2 protocol). Loopback unless configured otherwise. */
@ConfigurationProperties("carelake.sql")
public class SqlEndpointProperties {
  private String host = "127.0.0.1";
  private int port = 10000;

  public String getHost() {
    return host;
  }

  public void setHost(String host) {
    this.host = host;
  }

  public int getPort() {
    return port;
  }

  public void setPort(int port) {
    this.port = port;
  }
}
