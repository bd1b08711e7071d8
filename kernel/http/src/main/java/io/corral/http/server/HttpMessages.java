package io.corral.http.server;

import io.corral.http.ApiException;
import io.corral.http.HttpLimits;
import io.corral.http.Request;
import io.corral.http.Response;
import io.grpc.netty.shaded.io.netty.channel.Channel;
import io.grpc.netty.shaded.io.netty.handler.codec.http.DefaultHttpResponse;
import io.grpc.netty.shaded.io.netty.handler.codec.http.FullHttpRequest;
import io.grpc.netty.shaded.io.netty.handler.codec.http.HttpHeaderNames;
import io.grpc.netty.shaded.io.netty.handler.codec.http.HttpHeaderValues;
import io.grpc.netty.shaded.io.netty.handler.codec.http.HttpResponse;
import io.grpc.netty.shaded.io.netty.handler.codec.http.HttpResponseStatus;
import io.grpc.netty.shaded.io.netty.handler.codec.http.HttpUtil;
import io.grpc.netty.shaded.io.netty.handler.codec.http.HttpVersion;
import io.grpc.netty.shaded.io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.grpc.netty.shaded.io.netty.handler.codec.http.TooLongHttpLineException;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslHandler;
import java.net.InetSocketAddress;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import javax.net.ssl.SSLPeerUnverifiedException;

/** Between Netty's HTTP messages and the {@link Request}s and {@link Response}s routes deal in. */
final class HttpMessages {
  private HttpMessages() {}

  /** A request the decoders read whole, as routes see it; an {@link ApiException} for a bad target. */
  static Request request(FullHttpRequest request, Channel channel, HttpLimits limits) {
    RequestTarget target = RequestTarget.parse(request.uri(), limits.maxUriChars());
    Map<String, String> headers = new HashMap<>();
    for (Map.Entry<String, String> h : request.headers()) {
      headers.putIfAbsent(h.getKey().toLowerCase(Locale.ROOT), h.getValue());
    }
    byte[] body = new byte[request.content().readableBytes()];
    request.content().getBytes(request.content().readerIndex(), body);
    return new Request(request.method().name(), target.rawPath(), target.rawQuery(), headers,
        (InetSocketAddress) channel.remoteAddress(), clientCertificate(channel), null, body);
  }

  /** The leaf of the certificate chain the client presented and the TLS handshake verified. */
  private static X509Certificate clientCertificate(Channel channel) {
    SslHandler tls = channel.pipeline().get(SslHandler.class);
    if (tls == null) {
      return null;
    }
    try {
      Certificate[] chain = tls.engine().getSession().getPeerCertificates();
      return chain.length > 0 && chain[0] instanceof X509Certificate leaf ? leaf : null;
    } catch (SSLPeerUnverifiedException e) {
      return null; // no client certificate
    }
  }

  /** The answer to a request the decoder could not read (or the aggregator would not). */
  static Response refusal(Throwable cause, HttpLimits limits) {
    if (cause instanceof BodyAggregator.BodyTooLargeException) {
      return Response.error(413, cause.getMessage());
    }
    if (cause instanceof TooLongHttpLineException) {
      return Response.error(414, "request line longer than the request URI's limit of " + limits.maxUriChars()
          + " characters");
    }
    if (cause instanceof TooLongHttpHeaderException) {
      return Response.error(431, "request headers larger than " + limits.maxHeaderBytes() + " bytes");
    }
    String why = String.valueOf(cause.getMessage());
    return Response.error(400, "malformed request: " + (why.length() > 200 ? why.substring(0, 200) + "..." : why));
  }

  /**
   * The head of an answer: its status and headers, {@code X-Content-Type-Options: nosniff}, its
   * length (or chunked encoding, or for HTTP/1.0 the end of the connection) and {@code Connection}.
   * Netty refuses (IllegalArgumentException) a header value no HTTP message may carry.
   */
  static HttpResponse head(Response response, long length, boolean close, boolean http10) {
    HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(response.status()));
    response.headers().forEach((name, value) -> head.headers().set(name, value));
    head.headers().set("X-Content-Type-Options", "nosniff");
    if (length >= 0) {
      HttpUtil.setContentLength(head, length);
    } else if (!http10) {
      HttpUtil.setTransferEncodingChunked(head, true);
    }
    if (close) {
      head.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    } else if (http10) {
      head.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
    }
    return head;
  }
}
