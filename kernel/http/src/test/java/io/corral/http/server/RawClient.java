package io.corral.http.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.corral.http.HttpIo;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/** HTTP/1.1 by hand over a socket: exactly the bytes a test means, answers read as they arrive. */
final class RawClient implements Closeable {
  private final Socket socket;
  private final InputStream in;

  private RawClient(Socket socket) throws IOException {
    this.socket = socket;
    this.in = socket.getInputStream();
    socket.setSoTimeout(10_000);
  }

  static RawClient connect(int port) throws IOException {
    return connect(port, 0);
  }

  /** @param receiveBuffer the socket's receive buffer (0: the system's), small to make a server's writes stall */
  static RawClient connect(int port, int receiveBuffer) throws IOException {
    Socket s = new Socket();
    if (receiveBuffer > 0) {
      s.setReceiveBufferSize(receiveBuffer);
    }
    s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
    return new RawClient(s);
  }

  RawClient send(String text) throws IOException {
    socket.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
    socket.getOutputStream().flush();
    return this;
  }

  /** An answer: status, headers by lower-case name, body. */
  record Answer(int status, Map<String, String> headers, String body) {
    String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }

    JsonNode json() throws IOException {
      return HttpIo.JSON.readTree(body);
    }
  }

  /** Reads one answer, its body as long as its Content-Length says. */
  Answer read() throws IOException {
    return read(false);
  }

  /** Reads one answer to a HEAD: no body follows its head, whatever its Content-Length. */
  Answer readHead() throws IOException {
    return read(true);
  }

  private Answer read(boolean head) throws IOException {
    String status = line();
    if (status == null) {
      throw new IOException("closed before an answer");
    }
    Map<String, String> headers = new HashMap<>();
    for (String l = line(); l != null && !l.isEmpty(); l = line()) {
      int colon = l.indexOf(':');
      headers.put(l.substring(0, colon).trim().toLowerCase(Locale.ROOT), l.substring(colon + 1).trim());
    }
    byte[] body = new byte[0];
    String length = headers.get("content-length");
    if (!head && length != null) {
      body = in.readNBytes(Integer.parseInt(length));
    } else if (!head && "chunked".equals(headers.get("transfer-encoding"))) {
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      for (int n = Integer.parseInt(line(), 16); n > 0; n = Integer.parseInt(line(), 16)) {
        all.write(in.readNBytes(n));
        line();
      }
      line();
      body = all.toByteArray();
    }
    return new Answer(Integer.parseInt(status.split(" ")[1]), headers, new String(body, StandardCharsets.UTF_8));
  }

  private String line() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) >= 0) {
      if (c == '\n') {
        String s = out.toString(StandardCharsets.ISO_8859_1);
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
      }
      out.write(c);
    }
    return out.size() == 0 ? null : out.toString(StandardCharsets.ISO_8859_1);
  }

  /** Whether the server closes the connection within {@code d}, reading away what it sends before. */
  boolean closedWithin(Duration d) throws IOException {
    long end = System.nanoTime() + d.toNanos();
    byte[] buf = new byte[65536];
    try {
      while (true) {
        long left = (end - System.nanoTime()) / 1_000_000;
        if (left <= 0) {
          return false;
        }
        socket.setSoTimeout((int) left);
        if (in.read(buf) < 0) {
          return true;
        }
      }
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return true; // reset
    } finally {
      socket.setSoTimeout(10_000);
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
