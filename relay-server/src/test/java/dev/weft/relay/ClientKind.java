package dev.weft.relay;

import dev.weft.relay.testing.JavaWeftClient;
import dev.weft.relay.testing.NodeWeftClient;
import dev.weft.relay.testing.RelayProcess;
import dev.weft.relay.testing.WeftTestClient;
import java.io.IOException;

/** The two Socket.IO client implementations every end-to-end scenario runs with. */
enum ClientKind {
    JAVA, NODE;

    WeftTestClient connect(RelayProcess relay) throws IOException {
        return this == JAVA ? JavaWeftClient.connect(relay.url()) : NodeWeftClient.connect(relay.url());
    }
}
