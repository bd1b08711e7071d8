package io.corral.demo;

/** A part of the demo failed; the message is the report's one line about it. */
final class DemoFailure extends Exception {
  DemoFailure(String message) {
    super(message);
  }
}
