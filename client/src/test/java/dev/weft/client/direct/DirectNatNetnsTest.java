package dev.weft.client.direct;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.weft.client.testing.Namespaces;
import dev.weft.client.testing.PeerProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two members each behind its own NAT (network namespaces with MASQUERADE), the relay in a "public" namespace: they
 * punch through both NATs and link directly; while the link is up the relay forwards none of the room's updates (its
 * {@code weft_updates_forwarded_total} stays put) yet stores them all; when the routers start dropping UDP the
 * members fall back to the relay and converge with every token exactly once, and the relay's copy equals theirs. A
 * member with a wrong secret is refused by the relay and so never learns a candidate or a key. Skipped (with the
 * reason) without root, iproute2 or iptables; CI runs as root.
 */
class DirectNatNetnsTest {
    private static final Pattern TOKEN = Pattern.compile("<([^<>]+)>");

    @TempDir
    Path tmp;

    @Test
    void membersBehindTwoNatsLinkDirectlyThenFallBackToTheRelayWhenUdpIsBlocked() throws Exception {
        Namespaces.assumeUsable(NatNet.unavailableReason());
        try (NatNet net = NatNet.create()) {
            // Fixed port inside the test's own fresh namespace: nothing else can listen there.
            int port = 7420;
            Process relay = startRelay(net, port);
            List<Peer> peers = new ArrayList<>();
            try {
                String url = "http://" + net.relayAddress() + ":" + port;
                Peer a = Peer.start(net, 1, url, "- - -", tmp);
                peers.add(a);
                JsonObject creds = JsonParser.parseString(a.first).getAsJsonObject();
                String roomArgs = creds.get("room").getAsString() + " " + creds.get("secret").getAsString() + " "
                        + creds.get("readOnlySecret").getAsString();
                Peer b = Peer.start(net, 2, url, roomArgs, tmp);
                peers.add(b);
                awaitState(a, s -> s.get("direct").getAsInt() == 1, 60);
                awaitState(b, s -> s.get("direct").getAsInt() == 1, 60);
                Thread.sleep(500); // both UP signals at the relay
                long forwarded0 = Long.parseLong(a.command("metric weft_updates_forwarded_total"));

                typeConcurrently(a, b, 150, "a1", "b1");
                awaitConvergence(a, b);
                assertThat(a.command("durable")).isEqualTo("ok");
                assertThat(b.command("durable")).isEqualTo("ok");
                assertThat(Long.parseLong(a.command("metric weft_updates_forwarded_total")))
                        .as("the relay forwarded none of the room's updates while the direct link was up")
                        .isEqualTo(forwarded0);
                assertThat(Long.parseLong(a.command("metric weft_updates_delivered_direct_total")))
                        .isGreaterThanOrEqualTo(300);
                assertThat(state(a).get("received").getAsLong()).isGreaterThanOrEqualTo(150);

                // The routers drop UDP: the link dies, both fall back to the relay.
                net.blockUdp();
                typeConcurrently(a, b, 150, "a2", "b2");
                awaitState(a, s -> s.get("direct").getAsInt() == 0, 30);
                awaitState(b, s -> s.get("direct").getAsInt() == 0, 30);
                awaitConvergence(a, b);
                // What was typed while the dead link was still thought up came back by the resync; from now on
                // the relay forwards.
                typeConcurrently(a, b, 20, "a3", "b3");
                String sha = awaitConvergence(a, b);
                assertThat(Long.parseLong(a.command("metric weft_updates_forwarded_total")))
                        .as("after the fallback the relay forwards").isGreaterThan(forwarded0);
                assertThat(a.command("durable")).isEqualTo("ok");
                assertThat(b.command("durable")).isEqualTo("ok");
                assertEveryTokenOnce(a.command("text"), List.of("a1", "b1", "a2", "b2"), List.of("a3", "b3"));
                assertThat(a.command("relaycopy")).as("the relay's durable copy is complete").isEqualTo(sha);

                // A wrong secret: the relay refuses the join, so no rendezvous, no candidates, no link.
                Peer intruder = Peer.start(net, 2, url, creds.get("room").getAsString()
                        + " wrong-secret-wrong-secret wrong", tmp);
                peers.add(intruder);
                assertThat(intruder.first).contains("error");
                assertThat(state(a).get("direct").getAsInt()).isZero();
            } finally {
                for (Peer p : peers) {
                    p.kill();
                }
                relay.destroyForcibly();
                relay.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    private static void typeConcurrently(Peer a, Peer b, int n, String prefixA, String prefixB)
            throws InterruptedException {
        Thread ta = new Thread(() -> a.command("tokens " + n + " 1 " + prefixA));
        Thread tb = new Thread(() -> b.command("tokens " + n + " 2 " + prefixB));
        ta.start();
        tb.start();
        ta.join();
        tb.join();
    }

    private static void assertEveryTokenOnce(String text, List<String> prefixes150, List<String> prefixes20) {
        List<String> seen = new ArrayList<>();
        Matcher m = TOKEN.matcher(text);
        while (m.find()) {
            seen.add(m.group(1));
        }
        List<String> expected = new ArrayList<>();
        for (String p : prefixes150) {
            for (int i = 0; i < 150; i++) {
                expected.add(p + "-" + i);
            }
        }
        for (String p : prefixes20) {
            for (int i = 0; i < 20; i++) {
                expected.add(p + "-" + i);
            }
        }
        assertThat(seen).as("every token exactly once").containsExactlyInAnyOrderElementsOf(expected);
    }

    private Process startRelay(NatNet net, int port) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(net.execPublic());
        cmd.addAll(List.of(java, "-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp",
                System.getProperty("java.class.path"), "dev.weft.relay.RelayMain", "--host", net.relayAddress(),
                "--port", String.valueOf(port), "--rendezvous-port", String.valueOf(port), "--data",
                tmp.resolve("relay-data").toString()));
        Path log = tmp.resolve("relay.log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!net.relayListening(port)) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                p.destroyForcibly();
                throw new IOException("relay did not start: " + Files.readString(log));
            }
            Thread.sleep(200);
        }
        return p;
    }

    private static JsonObject state(Peer p) {
        return JsonParser.parseString(p.command("state")).getAsJsonObject();
    }

    private static void awaitState(Peer p, Predicate<JsonObject> ok, int seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!ok.test(state(p))) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("peer " + p.home + " never reached the state; now " + p.command("state")
                        + "; stderr:\n" + p.stderr());
            }
            Thread.sleep(200);
        }
    }

    private static String awaitConvergence(Peer a, Peer b) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            String sa = state(a).get("sha").getAsString();
            String sb = state(b).get("sha").getAsString();
            if (sa.equals(sb)) {
                return sa;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no convergence within 60 s");
            }
            Thread.sleep(200);
        }
    }

    /** One {@link DirectPeerMain} process on the host behind NAT {@code home}. */
    static final class Peer extends PeerProcess {
        final int home;

        private Peer(NatNet net, int home, String url, String roomArgs, Path tmp) throws IOException {
            super(net.execHost(home), DirectPeerMain.class, argsOf(url, roomArgs),
                    Files.createTempFile(tmp, "peer" + home, ".err"), "peer " + home);
            this.home = home;
        }

        private static List<String> argsOf(String url, String roomArgs) {
            List<String> args = new ArrayList<>(List.of(url));
            args.addAll(List.of(roomArgs.split(" ")));
            return args;
        }

        static Peer start(NatNet net, int home, String url, String roomArgs, Path tmp) throws IOException {
            return new Peer(net, home, url, roomArgs, tmp);
        }
    }
}
