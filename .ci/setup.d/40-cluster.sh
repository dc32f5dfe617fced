# relay-server's cluster tests (RelayClusterTest, PostgresStoreTest, RedisBusTest) start their own PostgreSQL
# (initdb/pg_ctl into a temporary directory, as user postgres when run as root) and redis-server on free loopback
# ports, and skip when these are missing. Install the Debian packages only; no server is started here (the
# package's own cluster may start on 5432 and is not used).
weft_apt_install postgresql redis-server
