package org.carelake.jobs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs the packaged carelake jar as a user would, in its own JVM, and captures stdout and stderr separately. */
final class CliRunner {

  record Result(int exitCode, String stdout, String stderr) {}

  static final List<String> JVM_FLAGS = List.of(
      "--add-opens=java.base/java.lang=ALL-UNNAMED", "--add-opens=java.base/java.lang.invoke=ALL-UNNAMED",
      "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED", "--add-opens=java.base/java.io=ALL-UNNAMED",
      "--add-opens=java.base/java.net=ALL-UNNAMED", "--add-opens=java.base/java.nio=ALL-UNNAMED",
      "--add-opens=java.base/java.util=ALL-UNNAMED", "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
      "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED", "--add-opens=java.base/jdk.internal.ref=ALL-UNNAMED",
      "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED", "--add-opens=java.base/sun.nio.cs=ALL-UNNAMED",
      "--add-opens=java.base/sun.security.action=ALL-UNNAMED", "--add-opens=java.base/sun.util.calendar=ALL-UNNAMED",
      "--add-opens=java.security.jgss/sun.security.krb5=ALL-UNNAMED", "-Djdk.reflect.useDirectMethodHandle=false");

  /** How long one command may run; -Dcarelake.it.timeout.minutes=N on a slow or shared machine. */
  static final long TIMEOUT_MINUTES = Long.getLong("carelake.it.timeout.minutes", 30);

  private final Path home;
  private final Path work;

  CliRunner(Path home, Path work) {
    this.home = home;
    this.work = work;
  }

  static Path jar() {
    return Path.of(System.getProperty("carelake.jar", "target/carelake.jar"));
  }

  /** A free TCP port on loopback, for a service a test starts. */
  static int freePort() throws IOException {
    try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** Waits until a started service accepts connections on the port; fails with its stderr if it exits first. */
  static void waitForPort(Process server, int port, int seconds, Path serverErr) throws InterruptedException, IOException {
    long deadline = System.currentTimeMillis() + seconds * 1000L;
    while (System.currentTimeMillis() < deadline) {
      if (!server.isAlive()) {
        throw new IllegalStateException("serve exited: " + Files.readString(serverErr));
      }
      try (java.net.Socket s = new java.net.Socket()) {
        s.connect(new java.net.InetSocketAddress("127.0.0.1", port), 500);
        return;
      } catch (IOException e) {
        Thread.sleep(500);
      }
    }
    throw new IllegalStateException("service did not open port " + port + ": " + Files.readString(serverErr));
  }

  static Path repoRoot() {
    return Path.of(System.getProperty("carelake.repo.root", ".."));
  }

  ProcessBuilder builder(Map<String, String> env, String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx2g");
    cmd.addAll(JVM_FLAGS);
    cmd.add("-jar");
    cmd.add(jar().toAbsolutePath().toString());
    cmd.add("--home");
    cmd.add(home.toString());
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(work.toFile());
    pb.environment().put("CARELAKE_SEEDS", repoRoot().resolve("seeds").toAbsolutePath().toString());
    pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    pb.environment().put("CARELAKE_SPARK_MASTER", "local[2]");
    pb.environment().putAll(env);
    return pb;
  }

  Result run(String... args) throws IOException, InterruptedException {
    return run(Map.of(), args);
  }

  Result run(Map<String, String> env, String... args) throws IOException, InterruptedException {
    Path out = Files.createTempFile(work, "stdout", ".txt");
    Path err = Files.createTempFile(work, "stderr", ".txt");
    Process p = builder(env, args).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    if (!p.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new IllegalStateException("carelake " + String.join(" ", args) + " did not finish in " + TIMEOUT_MINUTES
          + " minutes (a loaded machine may need -Dcarelake.it.timeout.minutes=N)");
    }
    return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
  }
}
