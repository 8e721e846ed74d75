package org.carelake.jobs.service;

import java.net.InetSocketAddress;
import java.net.Socket;
import org.carelake.jobs.config.SqlEndpointProperties;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.stereotype.Component;

/** /actuator/health reports the SQL endpoint: up when its port accepts a connection. */
@Component("sqlEndpointHealthIndicator")
public class SqlEndpointHealth implements HealthIndicator {

  private final SqlEndpoint endpoint;
  private final SqlEndpointProperties properties;

  public SqlEndpointHealth(SqlEndpoint endpoint, SqlEndpointProperties properties) {
    this.endpoint = endpoint;
    this.properties = properties;
  }

  @Override
  public Health health() {
    if (!endpoint.running()) {
      return Health.down().withDetail("reason", "not started").build();
    }
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(properties.getHost(), properties.getPort()), 1000);
      return Health.up().withDetail("jdbcUrl", endpoint.jdbcUrl()).build();
    } catch (Exception e) {
      return Health.down().withDetail("jdbcUrl", endpoint.jdbcUrl()).withDetail("error", e.getMessage()).build();
    }
  }
}
