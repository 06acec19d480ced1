package io.nextitem.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throw-away PKI made with the JDK's keytool for the security tests: a CA, a broker certificate
 * for localhost signed by it, client certificates signed by it (PKCS12 keystores), a truststore
 * with the CA, and a random store password. Nothing is checked in; every run makes its own.
 */
public final class TestCertificates {
    public final Path truststore;
    public final Path brokerKeystore;
    public final Path clientKeystore;
    public final Path adminKeystore;
    /** A keystore signed by a CA the broker does not trust. */
    public final Path strangerKeystore;
    public final String password;

    private final Path dir;

    private TestCertificates(Path dir) {
        this.dir = dir;
        this.password = HexFormat.of().formatHex(new SecureRandom().generateSeed(12));
        this.truststore = dir.resolve("truststore.p12");
        this.brokerKeystore = dir.resolve("broker.p12");
        this.clientKeystore = dir.resolve("client.p12");
        this.adminKeystore = dir.resolve("admin.p12");
        this.strangerKeystore = dir.resolve("stranger.p12");
    }

    public static TestCertificates create(Path dir) throws IOException, InterruptedException {
        TestCertificates pki = new TestCertificates(Files.createDirectories(dir));
        pki.make();
        return pki;
    }

    private void make() throws IOException, InterruptedException {
        Path ca = dir.resolve("ca.p12");
        keytool("-genkeypair", "-alias", "ca", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                "-dname", "CN=nextitem test CA", "-ext", "bc:c", "-keystore", ca.toString());
        Path caPem = dir.resolve("ca.pem");
        keytool("-exportcert", "-rfc", "-alias", "ca", "-keystore", ca.toString(), "-file", caPem.toString());
        keytool("-importcert", "-noprompt", "-alias", "ca", "-file", caPem.toString(), "-keystore", truststore.toString());
        signed(ca, caPem, brokerKeystore, "CN=localhost", "SAN=dns:localhost,ip:127.0.0.1");
        signed(ca, caPem, clientKeystore, "CN=nextitem-job", null);
        signed(ca, caPem, adminKeystore, "CN=nextitem-admin", null);
        Path otherCa = dir.resolve("other-ca.p12");
        keytool("-genkeypair", "-alias", "ca", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                "-dname", "CN=some other CA", "-ext", "bc:c", "-keystore", otherCa.toString());
        Path otherPem = dir.resolve("other-ca.pem");
        keytool("-exportcert", "-rfc", "-alias", "ca", "-keystore", otherCa.toString(), "-file", otherPem.toString());
        signed(otherCa, otherPem, strangerKeystore, "CN=stranger", null);
    }

    /** A key pair in {@code keystore} whose certificate {@code caStore} signed, with the CA chain imported. */
    private void signed(Path caStore, Path caPem, Path keystore, String dname, String san)
            throws IOException, InterruptedException {
        String alias = keystore.getFileName().toString().replace(".p12", "");
        keytool("-genkeypair", "-alias", alias, "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                "-dname", dname, "-keystore", keystore.toString());
        Path csr = dir.resolve(alias + ".csr");
        keytool("-certreq", "-alias", alias, "-keystore", keystore.toString(), "-file", csr.toString());
        Path cert = dir.resolve(alias + ".pem");
        List<String> sign = new ArrayList<>(List.of("-gencert", "-rfc", "-alias", "ca", "-keystore", caStore.toString(),
                "-infile", csr.toString(), "-outfile", cert.toString(), "-validity", "2"));
        if (san != null) {
            sign.addAll(List.of("-ext", san));
        }
        keytool(sign.toArray(String[]::new));
        keytool("-importcert", "-noprompt", "-alias", "ca", "-file", caPem.toString(), "-keystore", keystore.toString());
        keytool("-importcert", "-alias", alias, "-file", cert.toString(), "-keystore", keystore.toString());
    }

    private void keytool(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        command.addAll(List.of("-storetype", "PKCS12", "-storepass", password));
        Path log = dir.resolve("keytool.log");
        Process p = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("keytool " + args[0] + " failed; see " + log + ":\n" + Files.readString(log));
        }
    }

    /** Writes the store password to a file of its own (as a secret mount would), returning it. */
    public Path passwordFile(String name) throws IOException {
        Path secrets = Files.createDirectories(dir.resolve("secrets"));
        return Files.writeString(secrets.resolve(name), password);
    }
}
