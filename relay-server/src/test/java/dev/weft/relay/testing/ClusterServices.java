package dev.weft.relay.testing;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * What a cluster test class needs before its first test: Debian's {@code postgresql} and {@code redis-server}
 * installed (otherwise the class is skipped with a message naming the CI step that installs them), and one private
 * PostgreSQL for the whole class, stopped after its last test. Register it as a static field:
 * {@code @RegisterExtension static final ClusterServices CLUSTER = new ClusterServices();}
 */
public final class ClusterServices implements BeforeAllCallback, AfterAllCallback {
    /** The class's PostgreSQL; null before {@link #beforeAll} and after {@link #afterAll}. */
    private PostgresServer pg;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        PostgresServer.assumeInstalled();
        RedisServer.assumeInstalled();
        pg = PostgresServer.start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (pg != null) {
            pg.close();
            pg = null;
        }
    }

    /** The running PostgreSQL of this test class. */
    public PostgresServer postgres() {
        return pg;
    }
}
