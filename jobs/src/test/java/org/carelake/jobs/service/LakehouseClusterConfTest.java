package org.carelake.jobs.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LakehouseClusterConfTest {

  static final Optional<Path> JAR = Optional.of(Path.of("/opt/carelake/carelake.jar"));

  @Test
  void aLocalMasterNeedsNothingMore() {
    assertThat(Lakehouse.clusterConf("local[*]", Map.of(), JAR)).isEmpty();
  }

  @Test
  void aClusterGetsTheJarAndTheExecutorFlags() {
    Map<String, String> conf = Lakehouse.clusterConf("spark://127.0.0.1:7077", Map.of(), JAR);
    assertThat(conf).containsEntry("spark.jars", "/opt/carelake/carelake.jar");
    assertThat(conf.get("spark.executor.extraJavaOptions")).contains("--add-opens=java.base/sun.nio.ch=ALL-UNNAMED")
        .contains("-Djdk.reflect.useDirectMethodHandle=false");
  }

  @Test
  void whatTheUserSetWins() {
    Map<String, String> conf = Lakehouse.clusterConf("spark://h:7077",
        Map.of("spark.jars", "", "spark.executor.extraJavaOptions", "-Dx=y"), JAR);
    assertThat(conf).isEmpty();
  }

  @Test
  void runFromClassesThereIsNoJarToShip() {
    assertThat(Lakehouse.clusterConf("spark://h:7077", Map.of(), Optional.empty())).doesNotContainKey("spark.jars");
  }
}
