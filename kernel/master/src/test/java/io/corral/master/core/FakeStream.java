package io.corral.master.core;

import io.corral.common.testing.RecordingServerStream;

/** The client side of a stream as the master sees it: records what the master sends. */
final class FakeStream<E> extends RecordingServerStream<E> { }
