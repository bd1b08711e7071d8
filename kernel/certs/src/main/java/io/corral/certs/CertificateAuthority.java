package io.corral.certs;

import java.io.IOException;
import java.io.StringWriter;
import java.io.Writer;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.regex.Pattern;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A small certificate authority for a test or small cluster: an EC P-256 CA, and certificates it
 * signs for servers and clients (both uses, so one certificate serves an agent's client side
 * towards the master and its server side towards executors). Files are PEM, keys PKCS#8 with
 * mode 0600, as gRPC and the JDK read them. Production clusters may use their own PKI instead:
 * Corral only needs the same three kinds of files.
 */
public final class CertificateAuthority {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@-]{0,63}");
  private static final SecureRandom RANDOM = new SecureRandom();

  private final X509Certificate cert;
  private final PrivateKey key;

  private CertificateAuthority(X509Certificate cert, PrivateKey key) {
    this.cert = cert;
    this.key = key;
  }

  /** A new CA named {@code name}, valid for {@code validity}. */
  public static CertificateAuthority create(String name, Duration validity) throws IOException {
    KeyPair pair = newKeyPair();
    X500Principal subject = new X500Principal("CN=" + name + ",O=Corral");
    try {
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder b = builder(subject, subject, pair, validity)
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
          .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
          .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(pair.getPublic()));
      return new CertificateAuthority(sign(b, pair.getPrivate()), pair.getPrivate());
    } catch (GeneralSecurityException | OperatorCreationException e) {
      throw new IOException("cannot make a CA: " + e.getMessage(), e);
    }
  }

  /** Whether {@code name} can be a principal (a certificate's CN and a file name). */
  public static void checkName(String name) {
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("'" + name + "' cannot be a principal: use letters, digits, "
          + "'.', '_', '@' and '-' (at most 64)");
    }
  }

  /**
   * Writes {@code <dir>/<principal>.pem} and {@code <dir>/<principal>-key.pem}: a certificate
   * with CN {@code principal}, for TLS servers and clients, valid for {@code hosts} (DNS names
   * or IP addresses).
   */
  public Issued issue(Path dir, String principal, List<String> hosts, Duration validity) throws IOException {
    checkName(principal);
    KeyPair pair = newKeyPair();
    List<GeneralName> names = new ArrayList<>();
    for (String h : hosts) {
      names.add(isIpAddress(h) ? new GeneralName(GeneralName.iPAddress, h) : new GeneralName(GeneralName.dNSName, h));
    }
    try {
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder b = builder(cert.getSubjectX500Principal(),
          new X500Principal("CN=" + principal + ",O=Corral"), pair, validity)
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
          .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment))
          .addExtension(Extension.extendedKeyUsage, false,
              new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}))
          .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(pair.getPublic()))
          .addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(cert));
      if (!names.isEmpty()) {
        b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names.toArray(new GeneralName[0])));
      }
      X509Certificate issued = sign(b, key);
      Path certFile = dir.resolve(principal + ".pem");
      Path keyFile = dir.resolve(principal + "-key.pem");
      writePublic(certFile, pem(issued));
      writePrivate(keyFile, pem(new JcaPKCS8Generator(pair.getPrivate(), null)));
      return new Issued(certFile, keyFile);
    } catch (GeneralSecurityException | OperatorCreationException e) {
      throw new IOException("cannot issue a certificate for " + principal + ": " + e.getMessage(), e);
    }
  }

  /** The files of an issued certificate. */
  public record Issued(Path cert, Path key) {}

  /** Writes the CA's certificate to {@code ca.pem} and its key to {@code ca-key.pem} (0600). */
  public void save(Path dir) throws IOException {
    Files.createDirectories(dir);
    writePublic(dir.resolve("ca.pem"), pem(cert));
    writePrivate(dir.resolve("ca-key.pem"), pem(new JcaPKCS8Generator(key, null)));
  }

  /** A CA saved by {@link #save}. */
  public static CertificateAuthority load(Path dir) throws IOException {
    X509Certificate c = io.corral.common.security.Pem.certificates(dir.resolve("ca.pem")).get(0);
    PrivateKey k = io.corral.common.security.Pem.privateKey(dir.resolve("ca-key.pem"));
    return new CertificateAuthority(c, k);
  }

  public X509Certificate certificate() {
    return cert;
  }

  private static JcaX509v3CertificateBuilder builder(X500Principal issuer, X500Principal subject, KeyPair pair,
      Duration validity) {
    Instant now = Instant.now();
    return new JcaX509v3CertificateBuilder(issuer, new BigInteger(127, RANDOM).add(BigInteger.ONE),
        Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(validity)), subject, pair.getPublic());
  }

  private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey signer)
      throws OperatorCreationException, GeneralSecurityException {
    return new JcaX509CertificateConverter().getCertificate(
        b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer)));
  }

  private static KeyPair newKeyPair() throws IOException {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot make an EC key: " + e.getMessage(), e);
    }
  }

  private static boolean isIpAddress(String host) {
    if (!host.matches("[0-9.]+|.*:.*")) {
      return false;
    }
    try {
      InetAddress.getByName(host); // literal: no lookup
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static String pem(Object o) throws IOException {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(out)) {
      w.writeObject(o);
    }
    return out.toString();
  }

  private static void writePublic(Path file, String text) throws IOException {
    Files.writeString(file, text, StandardCharsets.US_ASCII);
  }

  /** Created 0600 before anything is written, so the key is never readable by others. */
  private static void writePrivate(Path file, String text) throws IOException {
    Files.deleteIfExists(file);
    Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    try (Writer w = Files.newBufferedWriter(file, StandardCharsets.US_ASCII, StandardOpenOption.TRUNCATE_EXISTING)) {
      w.write(text);
    }
  }
}
