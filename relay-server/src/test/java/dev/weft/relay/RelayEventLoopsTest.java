package dev.weft.relay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.crdt.TextDocument;
import dev.weft.relay.testing.JavaWeftClient;
import dev.weft.relay.testing.RelayProcess;
import dev.weft.relay.testing.RoomCredentials;
import dev.weft.relay.testing.WeftTestClient;
import dev.weft.sync.Message;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code --event-loops N} against a real relay process: N Netty event loops (0: one per available processor) serve
 * every connection (Netty hands connections to its loops in turn, so five connections start all of them), and
 * concurrent seeded edits from four members sharing the loops still converge.
 */
class RelayEventLoopsTest {
    private static final int MEMBERS = 4;

    @TempDir
    Path tmp;

    @ParameterizedTest(name = "--event-loops {0}")
    @ValueSource(ints = {0, 1, 3})
    void theConfiguredEventLoopsServeEveryConnectionAndConcurrentEditsConverge(int loops) throws Exception {
        try (RelayProcess relay = RelayProcess.start(tmp, "--event-loops", Integer.toString(loops),
                "--check-invariants", "true")) {
            RoomCredentials room = relay.createRoom();
            List<WeftTestClient> clients = new ArrayList<>();
            List<TextDocument> replicas = new ArrayList<>();
            try {
                for (int i = 0; i < MEMBERS; i++) {
                    WeftTestClient c = JavaWeftClient.connect(relay.url());
                    clients.add(c);
                    replicas.add(Replicas.joined(c, room, room.secret(), i + 1, "member" + i, "a.txt"));
                }
                long seed = 20261207L + loops;
                SplittableRandom rnd = new SplittableRandom(seed);
                for (int step = 0; step < 200; step++) {
                    int who = rnd.nextInt(MEMBERS);
                    TextDocument r = replicas.get(who);
                    Message.Update u;
                    if (r.length() > 0 && rnd.nextInt(4) == 0) {
                        int at = rnd.nextInt(r.length());
                        u = new Message.Update("a.txt", r.delete(at, Math.min(r.length() - at, 1 + rnd.nextInt(3)))
                                .update());
                    } else {
                        u = new Message.Update("a.txt", r.insert(rnd.nextInt(r.length() + 1),
                                Character.toString((char) ('a' + rnd.nextInt(26))).repeat(1 + rnd.nextInt(3)))
                                .update());
                    }
                    clients.get(who).send(u);
                }
                for (int i = 0; i < MEMBERS; i++) {
                    Replicas.awaitAck(clients.get(i), "a.txt", replicas.get(i).version());
                }
                TextDocument reference = Replicas.synced(clients.get(0), "a.txt");
                for (int i = 0; i < MEMBERS; i++) {
                    Replicas.sync(clients.get(i), "a.txt", replicas.get(i));
                    assertThat(replicas.get(i).getText()).as("member %d, seed %d", i, seed)
                            .isEqualTo(reference.getText());
                }
                assertThat(reference.length()).isPositive();
                // The boss loop that accepts connections plus the configured worker loops; the HTTP request that
                // created the room and the members' sockets are five connections, enough to start every loop.
                // The relay runs on this machine, so it sees the same processors as this JVM.
                int workers = loops > 0 ? loops : Runtime.getRuntime().availableProcessors();
                assertThat(eventLoopThreads(relay.pid()))
                        .as("relay threads named nioEventLoopGroup-* or epollEventLoopGroup-*")
                        .isEqualTo(1 + workers);
                // On Linux x86-64 (where the relay and CI run) Netty's native epoll library is in the jar and loads.
                if (System.getProperty("os.name").equals("Linux") && System.getProperty("os.arch").equals("amd64")) {
                    assertThat(relay.log()).as("the relay's transport log line")
                            .containsPattern("\"event\":\"transport\\.io\".*\"io\":\"epoll\"");
                }
            } finally {
                for (WeftTestClient c : clients) {
                    c.close();
                }
            }
        }
    }

    /**
     * Threads of process {@code pid} whose name (as the kernel keeps it: 15 characters) is a Netty loop's: NIO's, or
     * the native epoll transport's where it loads.
     */
    private static long eventLoopThreads(long pid) throws IOException {
        try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            return tasks.map(t -> t.resolve("comm")).filter(Files::exists).map(p -> {
                try {
                    return Files.readString(p).trim();
                } catch (IOException e) {
                    return ""; // the thread ended between the listing and the read
                }
            }).filter(name -> name.startsWith("nioEventLoopGro") || name.startsWith("epollEventLoopG")).count();
        }
    }
}
