package dev.weft.relay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.relay.testing.RelayProcess;
import dev.weft.relay.testing.RoomCredentials;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The TLS option: HTTPS (and so WSS) on the same port with a PKCS#12 keystore. */
class RelayTlsTest {
    @TempDir
    Path tmp;

    @Test
    void servesHttpsWithAKeystore() throws Exception {
        Path ks = tmp.resolve("relay.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-keystore", ks.toString(), "-storetype", "PKCS12", "-storepass", "changeit",
                "-keypass", "changeit", "-alias", "relay", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                "-dname", "CN=localhost", "-ext", "SAN=ip:127.0.0.1,dns:localhost").inheritIO().start();
        assertThat(keytool.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(keytool.exitValue()).isZero();
        try (RelayProcess relay = RelayProcess.start(tmp.resolve("relay"), "--tls-keystore", ks.toString(),
                "--tls-keystore-password", "changeit")) {
            assertThat(relay.url()).startsWith("https://");
            assertThat(RelayProcess.Http.get(relay.url() + "/healthz").body()).isEqualTo("{\"status\":\"ok\"}");
            RoomCredentials room = relay.createRoom();
            assertThat(room.secret()).isNotEmpty();
            assertThat(relay.log()).contains("\"url\":\"https://").doesNotContain("changeit");
        }
    }
}
