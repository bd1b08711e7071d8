package io.corral.demo;

/** One thing {@code corral demo} runs on its cluster (the example framework, a Hadoop job...). */
public interface DemoPart {
  /** How the report names it, e.g. {@code hadoop wordcount}. */
  String title();

  /** Runs it to the end; a {@link DemoFailure} is a failure with the report line as its message. */
  PartResult run(DemoEnv env) throws Exception;

  /** Runs {@code part}, timing it; any failure is a FAILED result, never an exception. */
  static PartResult runTimed(DemoPart part, DemoEnv env) {
    long start = System.nanoTime();
    try {
      PartResult r = part.run(env);
      return new PartResult(r.title(), r.ok(), (System.nanoTime() - start) / 1e9, r.summary(), r.details());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new PartResult(part.title(), false, (System.nanoTime() - start) / 1e9, "interrupted", java.util.List.of());
    } catch (DemoFailure e) {
      return new PartResult(part.title(), false, (System.nanoTime() - start) / 1e9, e.getMessage(), java.util.List.of());
    } catch (Exception e) {
      return new PartResult(part.title(), false, (System.nanoTime() - start) / 1e9, String.valueOf(e),
          java.util.List.of());
    }
  }
}
