package io.corral.hadoop;

import com.fasterxml.jackson.databind.JsonNode;
import io.corral.common.resources.Resources;
import io.corral.http.HttpIo;
import io.corral.local.LocalCluster;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The Corral side of {@link HadoopPreemptionBenchmark}: a {@link LocalCluster} whose master (in this
 * JVM, its defaults: 1 s allocation interval) has the given preemption grace, and whose agents are
 * {@code corral agent} processes. Queues are roles ({@code mapreduce.job.queuename} is the job's
 * role); a role's usage is what {@code GET /api/v1/roles} says.
 */
final class CorralPreemptionPool implements PreemptionPool {
  private final LocalCluster cluster;
  private final String fs;
  private final HttpClient http = HttpClient.newHttpClient();

  private CorralPreemptionPool(LocalCluster cluster, String fs) {
    this.cluster = cluster;
    this.fs = fs;
  }

  /**
   * @param schedulerTaskShare the master's {@code --scheduler-task-share}: the AMs of both queues' jobs must
   *     fit in it, as each YARN queue runs one AM whatever its {@code maximum-am-resource-percent}
   */
  static CorralPreemptionPool start(Path dir, int nodes, Resources node, Duration grace, double schedulerTaskShare,
      String classpath, String fs) throws IOException {
    LocalCluster cluster = LocalCluster.builder(dir).agents(nodes).mode(LocalCluster.Mode.PROCESSES)
        .agentResources(node).classpath(classpath).agentArgs(List.of("--hdfs-classpath", classpath))
        .masterConfig(m -> m.httpPort(0).preemptionGrace(grace).schedulerTaskShare(schedulerTaskShare))
        .start();
    try {
      cluster.awaitAgents(nodes, Duration.ofMinutes(1));
    } catch (RuntimeException e) {
      cluster.close();
      throw e;
    }
    return new CorralPreemptionPool(cluster, fs);
  }

  @Override
  public String name() {
    return "corral";
  }

  @Override
  public List<String> clientOptions() {
    return List.of("-Dmapreduce.framework.name=corral", "-Dcorral.master=" + cluster.masterAddress(),
        "-Dfs.defaultFS=" + fs);
  }

  /**
   * Sets the role's quota now: set before the flood, the master would hold the guarantee's headroom
   * back from the flood (as Mesos does), and the arriving role would find it free.
   */
  @Override
  public void guarantee(String queue, double cpus) throws Exception {
    String body = String.format(Locale.ROOT, "{\"guarantee\": {\"cpus\": %.3f}}", cpus);
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(cluster.master().httpUrl() + "api/v1/quota/"
        + queue)).header(HttpIo.CSRF_HEADER, "bench").PUT(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IllegalStateException("PUT quota " + queue + ": " + r.statusCode() + " " + r.body());
    }
  }

  @Override
  public Map<String, QueueUsage> usage() throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(cluster.master().httpUrl() + "api/v1/roles"))
        .GET().build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IllegalStateException("GET roles: " + r.statusCode() + " " + r.body());
    }
    Map<String, QueueUsage> out = new HashMap<>();
    for (JsonNode role : HttpIo.JSON.readTree(r.body()).get("roles")) {
      JsonNode cpus = role.path("allocated").path("cpus");
      out.put(role.get("name").asText(), new QueueUsage(cpus.asDouble(0), role.path("frameworks").asInt() > 0,
          role.path("preemptions").asLong()));
    }
    return out;
  }

  @Override
  public void close() {
    cluster.close();
  }
}
