package io.corral.hadoop.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.corral.protocol.CommandInfo;
import io.corral.protocol.CommandURI;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;

class AgentJvmTest {
  private static final String BUNDLE = "hdfs://nn:8020/apps/corral/corral-hadoop-bundle.tar.gz";

  @Test
  void aClientClasspathWithoutTheAmIsRefusedOnlyWhenTheAgentsWouldInheritIt() throws Exception {
    ClassLoader hadoopClientOnly = new java.net.URLClassLoader(new java.net.URL[0], null); // no MRAppMaster here
    Configuration conf = new Configuration(false);
    assertThatThrownBy(() -> AgentJvm.requireRunnableClasspath(conf, hadoopClientOnly))
        .isInstanceOf(java.io.IOException.class)
        .hasMessage("the job's AM and executors would run on the agents with this client's classpath, which has no"
            + " org.apache.hadoop.mapreduce.v2.app.MRAppMaster (hadoop-mapreduce-client-app) and no"
            + " org.apache.hadoop.mapred.ShuffleHandler (hadoop-mapreduce-client-shuffle): set corral.hadoop.classpath"
            + " to Hadoop's jars and corral-hadoop.jar as installed on every agent (e.g. `hadoop classpath` there plus"
            + " the jar), or corral.hadoop.bundle.uri to a bundle of them (corral bundle push)");
    AgentJvm.requireRunnableClasspath(conf, getClass().getClassLoader()); // the test classpath has Hadoop's AM

    Configuration installed = new Configuration(false);
    installed.set(CorralMr.CLASSPATH, "/opt/hadoop/*");
    AgentJvm.requireRunnableClasspath(installed, hadoopClientOnly);
    Configuration bundled = new Configuration(false);
    bundled.set(AgentJvm.BUNDLE_URI, BUNDLE);
    AgentJvm.requireRunnableClasspath(bundled, hadoopClientOnly);
  }

  @Test
  void theAmIsNamedNotLoaded() {
    assertThat(AgentJvm.AM_CLASS).isEqualTo(io.corral.hadoop.am.CorralMRAppMaster.class.getName());
  }

  @Test
  void withoutABundleTheInstalledClasspathIsUsedAndNothingIsFetched() {
    Configuration conf = new Configuration(false);
    conf.set(CorralMr.CLASSPATH, "/opt/hadoop/share/hadoop/common/*:/opt/corral/corral-hadoop.jar");

    assertThat(AgentJvm.fromBundle(conf)).isFalse();
    assertThat(AgentJvm.classpath(conf)).isEqualTo("/opt/hadoop/share/hadoop/common/*:/opt/corral/corral-hadoop.jar");
    assertThat(AgentJvm.uris(conf)).isEmpty();
    CommandInfo cmd = CommandInfo.newBuilder().setValue("java").build();
    assertThat(AgentJvm.withBundle(cmd, conf)).isEqualTo(cmd);
  }

  @Test
  void aBundleIsFetchedThroughTheCacheAndItsJarsAreTheClasspath() {
    Configuration conf = new Configuration(false);
    conf.set(CorralMr.CLASSPATH, "/opt/hadoop/*");
    conf.set(AgentJvm.BUNDLE_URI, " " + BUNDLE + " ");

    assertThat(AgentJvm.fromBundle(conf)).isTrue();
    assertThat(AgentJvm.classpath(conf)).isEqualTo("lib/*");
    assertThat(AgentJvm.uris(conf)).containsExactly(
        CommandURI.newBuilder().setValue(BUNDLE).setCache(true).setExtract(true).build());
    CommandInfo cmd = AgentJvm.withBundle(CommandInfo.newBuilder().setValue("java")
        .addUris(CommandURI.newBuilder().setValue("hdfs:///staging/job.xml")).build(), conf);
    assertThat(cmd.getUrisList()).extracting(CommandURI::getValue).containsExactly("hdfs:///staging/job.xml", BUNDLE);
  }

  @Test
  void aBundleMayHoldAWholeHadoopInstallationAndCarryAChecksum() {
    Configuration conf = new Configuration(false);
    conf.set(AgentJvm.BUNDLE_URI, BUNDLE);
    conf.set(AgentJvm.BUNDLE_CLASSPATH, "hadoop/share/hadoop/common/*:hadoop/share/hadoop/common/lib/*,"
        + "corral-hadoop.jar, /etc/hadoop/conf");
    conf.set(AgentJvm.BUNDLE_SHA256, "ab12");

    assertThat(AgentJvm.classpath(conf)).isEqualTo("hadoop/share/hadoop/common/*:hadoop/share/hadoop/common/lib/*"
        + ":corral-hadoop.jar:/etc/hadoop/conf");
    assertThat(AgentJvm.uris(conf).get(0).getSha256()).isEqualTo("ab12");
  }
}
