package io.corral.spark;

import io.corral.common.Env;
import io.corral.common.security.ClientCredentials;
import io.corral.common.security.CredentialSettings;
import io.corral.protocol.FrameworkInfo;
import io.corral.protocol.MasterInfo;
import io.corral.protocol.Offer;
import io.corral.protocol.TaskStatus;
import io.corral.scheduler.CorralSchedulerDriver;
import io.corral.scheduler.Scheduler;
import io.corral.scheduler.SchedulerDriver;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A Spark driver in cluster mode: the Corral task {@code corral spark submit --deploy-mode cluster}
 * launches. It takes over the framework the command registered (so the submitting machine can
 * go away: while this process is subscribed, the master keeps the framework and this task), runs
 * Spark's own {@code SparkSubmit} in client mode as a child JVM in the sandbox (its logs are the
 * sandbox's stdout and stderr), restarts it when it fails if asked to ({@code --supervise}), and
 * exits with its exit code.
 *
 * <p>Usage: {@code ClusterDriver [--supervise] [--max-restarts N] [--driver-memory 1g] -- <SparkSubmit args>}.
 * Reads {@code CORRAL_MASTER} and {@code CORRAL_FRAMEWORK_ID} from the task's environment. On a
 * secured cluster it presents the credentials of the application's {@code spark.corral.*}
 * settings (files at those paths on the agent), or else of the {@code CORRAL_*} environment: the
 * CA defaults to the agent's ({@code CORRAL_TLS_CA}); the Spark driver it runs does the same.
 */
public final class ClusterDriver {
  private ClusterDriver() {}

  public static void main(String[] args) throws Exception {
    boolean supervise = false;
    int maxRestarts = 3;
    String memory = "1g";
    int i = 0;
    for (; i < args.length && !args[i].equals("--"); i++) {
      switch (args[i]) {
        case "--supervise" -> supervise = true;
        case "--max-restarts" -> maxRestarts = Integer.parseInt(args[++i]);
        case "--driver-memory" -> memory = args[++i];
        default -> {
          System.err.println("ClusterDriver: unknown option " + args[i]);
          System.exit(2);
        }
      }
    }
    List<String> submitArgs = Arrays.asList(args).subList(Math.min(i + 1, args.length), args.length);
    String master = System.getenv(Env.MASTER);
    String frameworkId = System.getenv(Env.FRAMEWORK_ID);
    CorralSchedulerDriver corral = null;
    if (master != null && frameworkId != null) {
      ClientCredentials credentials;
      try {
        credentials = CredentialSettings.read(CorralSchedulerBackend.CREDENTIALS_PREFIX, SparkSubmitArgs.conf(submitArgs)::get,
            System.getenv());
      } catch (java.io.IOException e) {
        System.err.println("ClusterDriver: Corral credentials: " + e.getMessage());
        System.exit(2);
        return;
      }
      FrameworkInfo.Builder info = FrameworkInfo.newBuilder().setId(frameworkId)
          .setName(System.getenv().getOrDefault("CORRAL_SPARK_DRIVER_NAME", "spark driver"))
          .setFailoverTimeout(Double.parseDouble(System.getenv().getOrDefault("CORRAL_SPARK_FAILOVER", "60")));
      String role = System.getenv().getOrDefault("CORRAL_SPARK_DRIVER_ROLE", "");
      if (!role.isBlank()) {
        info.setRole(role); // the role the submitter registered the framework in
      }
      corral = new CorralSchedulerDriver(new Adopter(), info.build(), master, true, credentials);
      corral.start();
    }
    int code = 1;
    for (int attempt = 0; ; attempt++) {
      System.out.println("ClusterDriver: starting the Spark driver (attempt " + (attempt + 1) + ")");
      code = new ProcessBuilder(command(memory, submitArgs)).inheritIO().start().waitFor();
      System.out.println("ClusterDriver: the Spark driver exited with " + code);
      if (code == 0 || !supervise || attempt >= maxRestarts) {
        break;
      }
      Thread.sleep(Duration.ofSeconds(Math.min(30, 1L << attempt)).toMillis()); // back off before a restart
    }
    if (corral != null) {
      corral.abort(); // the framework stays for its failover timeout; this task's end is its outcome
    }
    System.exit(code);
  }

  /** {@code java <module options> -Xmx<memory> -cp <this JVM's classpath> SparkSubmit <args>}. */
  static List<String> command(String memory, List<String> submitArgs) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(List.of(org.apache.spark.launcher.JavaModuleOptions.defaultModuleOptionArray()));
    cmd.add("-Xmx" + memory);
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add("org.apache.spark.deploy.SparkSubmit");
    cmd.addAll(submitArgs);
    return cmd;
  }

  /** Holds the framework while the driver runs; wants no offers. */
  private static final class Adopter implements Scheduler {
    @Override
    public void registered(SchedulerDriver d, String frameworkId, MasterInfo masterInfo) {
      System.out.println("ClusterDriver: holding framework " + frameworkId);
      d.suppressOffers();
    }

    @Override
    public void reregistered(SchedulerDriver d, MasterInfo masterInfo) {
      d.suppressOffers();
    }

    @Override
    public void resourceOffers(SchedulerDriver d, List<Offer> offers) {
      offers.forEach(o -> d.declineOffer(o.getId()));
    }

    @Override
    public void statusUpdate(SchedulerDriver d, TaskStatus status) {}

    @Override
    public void error(SchedulerDriver d, String message) {
      System.err.println("ClusterDriver: Corral master: " + message);
    }
  }
}
